using System.Buffers.Binary;
using System.Text;
using MpcSigning.Crypto;
using Key = NSec.Cryptography.Key;

namespace MpcSigning.TLog.Checkpoints;

/// <summary>One signature line: "— name base64(4-byte key hint || signature)".</summary>
public sealed record NoteSignature(string Name, uint KeyHint, byte[] Signature);

/// <summary>A signing identity for a note: the name and hint to write, and the Ed25519 private key.</summary>
public sealed record NoteSigner(string Name, uint KeyHint, Key SecretKey);

/// <summary>
/// C2SP signed-note: UTF-8 text ending in a newline, a blank line, then one signature line per signer
/// ("\u2014 name base64(hint || sig)\n"). Each signature covers the text including its final newline.
/// </summary>
public sealed record SignedNote(string Text, IReadOnlyList<NoteSignature> Signatures)
{
    private const string Dash = "\u2014 ";

    public static string Sign(string text, params NoteSigner[] signers)
    {
        if (!text.EndsWith('\n')) throw new ArgumentException("note text must end with a newline", nameof(text));
        var data = Encoding.UTF8.GetBytes(text);
        var sb = new StringBuilder(text).Append('\n');
        // Ed25519 signing is deterministic (RFC 8032 section 5.1.6): a later line by the same key (the log's C2SP and
        // Sigstore lines) carries the same signature bytes, so it is made once.
        (Key Key, byte[] Signature)? last = null;
        foreach (var s in signers)
        {
            if (!NoteKey.IsValidName(s.Name)) throw new ArgumentException($"'{s.Name}' is not a valid key name", nameof(signers));
            var blob = new byte[4 + Ed25519.SignatureSize];
            BinaryPrimitives.WriteUInt32BigEndian(blob, s.KeyHint);
            var signature = last is { } l && ReferenceEquals(l.Key, s.SecretKey) ? l.Signature : Ed25519.Sign(s.SecretKey, data);
            last = (s.SecretKey, signature);
            signature.CopyTo(blob, 4);
            sb.Append(Dash).Append(s.Name).Append(' ').Append(Convert.ToBase64String(blob)).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Splits a signed note; null (with the reason) when it is not one.</summary>
    public static SignedNote? TryParse(string note, out string error)
    {
        error = "";
        var split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0 || !note.EndsWith('\n')) { error = "a signed note needs text, a blank line and signature lines ending in a newline"; return null; }
        if (split + 2 >= note.Length) { error = "a signed note needs at least one signature line after its blank line; this one has none"; return null; }
        var text = note[..(split + 1)];
        var sigs = new List<NoteSignature>();
        foreach (var line in note[(split + 2)..^1].Split('\n'))
        {
            var sig = ParseLine(line, out error);
            if (sig is null) return null;
            sigs.Add(sig);
        }
        return new SignedNote(text, sigs);
    }

    private static NoteSignature? ParseLine(string line, out string error)
    {
        error = "";
        var space = line.LastIndexOf(' ');
        if (!line.StartsWith(Dash, StringComparison.Ordinal) || space <= Dash.Length)
        {
            error = $"signature line '{line}' is not '\u2014 name signature'";
            return null;
        }
        var name = line[Dash.Length..space];
        byte[] blob;
        try { blob = Convert.FromBase64String(line[(space + 1)..]); }
        catch (FormatException) { error = $"signature of '{name}' is not base64"; return null; }
        if (blob.Length < 5 || !NoteKey.IsValidName(name)) { error = $"signature line of '{name}' is too short or badly named"; return null; }
        return new NoteSignature(name, BinaryPrimitives.ReadUInt32BigEndian(blob), blob[4..]);
    }

    /// <summary>True when a signature line with this key's name and this hint verifies over the text. Lines by
    /// other keys are ignored, not rejected (C2SP signed-note, "Verification"). Pure.</summary>
    public bool IsSignedBy(string name, uint keyHint, ReadOnlySpan<byte> publicKey)
    {
        var data = Encoding.UTF8.GetBytes(Text);
        foreach (var s in Signatures)
            if (s.Name == name && s.KeyHint == keyHint && Ed25519.Verify(publicKey, data, s.Signature))
                return true;
        return false;
    }

    public bool IsSignedBy(NoteKey key) => IsSignedBy(key.Name, key.KeyId, key.PublicKey);
}
