using System.Globalization;
using MpcSigning.Interop;

namespace MpcSigning.Hosting;

/// <summary>
/// The node's data directory (--data-dir, default ~/.local/share/mpcsign): its SQLite database, the CA and
/// log keys, and the simulated attestation roots. Created owner-only (0700), because it holds key files.
/// One data directory has one node at a time: see <see cref="LockAsync"/>.
/// </summary>
public sealed class DataDirectory
{
    /// <summary>The file whose exclusive flock makes the directory one node's (<see cref="LockAsync"/>).</summary>
    public const string LockFileName = "node.lock";

    /// <summary>Seconds a command waits for the directory while another process uses it; 0 fails at once.</summary>
    public const string LockWaitVariable = "MPCSIGN_LOCK_WAIT_SECONDS";

    public static readonly TimeSpan DefaultLockWait = TimeSpan.FromSeconds(120);

    private const int MaxLockWaitSeconds = 24 * 60 * 60;

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

    /// <summary>
    /// Takes the directory's exclusive lock (flock on <see cref="LockFileName"/>): a node takes it before it opens anything
    /// in the directory and holds it until it stops (dispose); the kernel releases it if the process dies. While another
    /// process holds it, writes one line to <paramref name="status"/> naming that process and waits up to
    /// <paramref name="wait"/>.
    /// </summary>
    /// <exception cref="IOException">Still in use after the wait: the one-line message names the holder and what to do.</exception>
    internal async Task<FileLock> LockAsync(TimeSpan wait, TextWriter? status)
    {
        try
        {
            return await FileLock.AcquireAsync(File(LockFileName), wait, holder =>
                status?.WriteLine($"mpcsign: waiting for {Path}: in use by {holder}; giving up after {wait.TotalSeconds:0} s (--wait SECONDS)"));
        }
        catch (FileLockedException e)
        {
            var still = e.Waited > TimeSpan.Zero ? $" (still, after waiting {e.Waited.TotalSeconds:0} s)" : "";
            throw new IOException($"data directory {Path} is in use by {e.Holder}{still}; one data directory runs one node at a " +
                "time: retry when that command has finished, wait for it with --wait SECONDS, or use another --data-dir", e);
        }
    }

    /// <summary>
    /// How long to wait for the directory's lock: <paramref name="seconds"/> (--wait), else <see cref="LockWaitVariable"/>,
    /// else <see cref="DefaultLockWait"/>.
    /// </summary>
    /// <exception cref="ConfigException">Not a whole number of seconds from 0 to a day.</exception>
    public static TimeSpan LockWait(int? seconds, Func<string, string?> env)
    {
        var (setting, raw) = seconds is { } s ? ("--wait", s.ToString(CultureInfo.InvariantCulture)) : (LockWaitVariable, env(LockWaitVariable));
        if (string.IsNullOrWhiteSpace(raw)) return DefaultLockWait;
        if (!int.TryParse(raw.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > MaxLockWaitSeconds)
            throw new ConfigException(setting, $"must be a whole number of seconds from 0 (fail at once) to {MaxLockWaitSeconds}, got '{raw}'");
        return TimeSpan.FromSeconds(n);
    }

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
