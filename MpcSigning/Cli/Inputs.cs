using System.Security.Cryptography;

namespace MpcSigning.Cli;

/// <summary>Parsing of command-line values, each failure one line that says what to give instead.</summary>
internal static class Inputs
{
    /// <summary>SHA-256 of --artifact FILE, or the value of --artifact-digest HEX (exactly one of them).</summary>
    public static (byte[] Digest, string Name) Artifact(string? path, string? digestHex)
    {
        if ((path is null) == (digestHex is null))
            throw new CliException("give exactly one of --artifact FILE or --artifact-digest HEX");
        if (path is not null)
        {
            RequireFile(path, "--artifact");
            using var f = File.OpenRead(path);
            return (SHA256.HashData(f), Path.GetFileName(path));
        }
        return (Digest(digestHex!), "artifact");
    }

    /// <summary>The bytes of the file an option names; a missing file or a directory is one line naming the option.</summary>
    public static byte[] ReadFile(string path, string option)
    {
        RequireFile(path, option);
        return File.ReadAllBytes(path);
    }

    /// <summary>The text (UTF-8) of the file an option names, checked as <see cref="ReadFile"/>.</summary>
    public static string ReadText(string path, string option)
    {
        RequireFile(path, option);
        return File.ReadAllText(path);
    }

    /// <summary>
    /// Refuses a path that is not an existing file, saying which: reading a directory would otherwise fail with
    /// "access denied" or "does not exist". An <see cref="IOException"/>, which every command's error mapping prints.
    /// </summary>
    public static void RequireFile(string path, string option)
    {
        if (Directory.Exists(path)) throw new IOException($"{option}: '{path}' is a directory; give a file");
        if (!File.Exists(path)) throw new IOException($"{option}: file '{path}' does not exist");
    }

    /// <summary>A SHA-256 as 64 hex characters, optionally prefixed "sha256:".</summary>
    public static byte[] Digest(string text)
    {
        var t = text.Trim();
        if (t.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase)) t = t[7..];
        if (t.Length != 64 || !t.All(Uri.IsHexDigit))
            throw new CliException($"--artifact-digest: '{text}' is not a SHA-256 (64 hex characters, e.g. from 'sha256sum FILE')");
        return Convert.FromHexString(t);
    }

    /// <summary>A session id as printed by 'mpcsign request': 32 hex characters.</summary>
    public static byte[] SessionId(string text)
    {
        var t = text.Trim();
        if (t.Length != 32 || !t.All(Uri.IsHexDigit))
            throw new CliException($"--session: '{text}' is not a session id (32 hex characters, as printed by 'mpcsign request')");
        return Convert.FromHexString(t);
    }
}
