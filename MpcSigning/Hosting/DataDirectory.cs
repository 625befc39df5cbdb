namespace MpcSigning.Hosting;

/// <summary>
/// The node's data directory (--data-dir, default ~/.local/share/mpcsign): its SQLite database, the CA and
/// log keys, and the simulated attestation roots. Created owner-only (0700), because it holds key files.
/// </summary>
public sealed class DataDirectory
{
    public string Path { get; }

    private DataDirectory(string path) => Path = path;

    public static string DefaultPath =>
        System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share", "mpcsign");

    /// <summary>Resolves and creates the directory. Throws <see cref="IOException"/> with a readable message.</summary>
    public static DataDirectory Open(string? path)
    {
        var full = System.IO.Path.GetFullPath(string.IsNullOrWhiteSpace(path) ? DefaultPath : path);
        if (System.IO.File.Exists(full)) throw new IOException($"--data-dir '{full}' is a file; give a directory.");
        try
        {
            Directory.CreateDirectory(full, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new IOException($"cannot create data directory '{full}': {e.Message}", e);
        }
        return new DataDirectory(full);
    }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes a secret file atomically with mode 0600 (created with that mode, never world-readable).</summary>
    public static void WriteOwnerOnly(string path, ReadOnlySpan<byte> content)
    {
        var tmp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew, Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        using (var fs = new FileStream(tmp, options))
        {
            fs.Write(content);
            fs.Flush(flushToDisk: true);
        }
        System.IO.File.Move(tmp, path, overwrite: false);
    }
}
