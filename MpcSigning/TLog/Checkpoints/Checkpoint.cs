using System.Globalization;
using System.Text;

namespace MpcSigning.TLog.Checkpoints;

/// <summary>
/// C2SP tlog-checkpoint body: origin line, decimal tree size, base64 root hash, optional extension lines,
/// each ending in a newline.
/// </summary>
public sealed record Checkpoint(string Origin, long Size, byte[] RootHash, IReadOnlyList<string> Extensions)
{
    public Checkpoint(string origin, long size, byte[] rootHash) : this(origin, size, rootHash, Array.Empty<string>()) { }

    public string ToNoteText()
    {
        var sb = new StringBuilder()
            .Append(Origin).Append('\n')
            .Append(Size.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(Convert.ToBase64String(RootHash)).Append('\n');
        foreach (var e in Extensions) sb.Append(e).Append('\n');
        return sb.ToString();
    }

    /// <summary>Parses a checkpoint body (the text of a signed note); null with the reason when malformed.</summary>
    public static Checkpoint? TryParse(string text, out string error)
    {
        error = "";
        if (!text.EndsWith('\n')) { error = "checkpoint text must end with a newline"; return null; }
        var lines = text[..^1].Split('\n');
        if (lines.Length < 3 || lines[0].Length == 0) { error = "checkpoint needs origin, size and root lines"; return null; }
        if (lines[1].Length == 0 || (lines[1].Length > 1 && lines[1][0] == '0') || !lines[1].All(char.IsAsciiDigit) ||
            !long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            error = $"checkpoint size '{lines[1]}' is not a canonical decimal number";
            return null;
        }
        byte[] root;
        try { root = Convert.FromBase64String(lines[2]); }
        catch (FormatException) { error = "checkpoint root is not base64"; return null; }
        if (root.Length != Merkle.Rfc9162.HashSize) { error = $"checkpoint root is {root.Length} bytes; want 32"; return null; }
        if (lines.Skip(3).Any(l => l.Length == 0)) { error = "checkpoint extension lines must not be empty"; return null; }
        return new Checkpoint(lines[0], size, root, lines[3..]);
    }
}
