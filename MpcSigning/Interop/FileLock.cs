using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Win32.SafeHandles;

namespace MpcSigning.Interop;

/// <summary>
/// An exclusive lock held across processes: flock(2) on a lock file. The kernel, not the file's existence, decides who
/// holds it, and releases it when the holder closes the file or dies (kill -9 included), so a lock file a dead process
/// left behind never blocks anyone. The file is never deleted: deleting it would let a newcomer lock a fresh file of the
/// same name while a waiter still queues on the old one, and both would think they hold the lock. The holder writes one
/// line naming itself (<c>pid 1234: mpcsign join ...</c>) so that others can say whom they wait for. Two descriptors in
/// one process exclude each other like two processes (flock belongs to the open file description).
/// <para>
/// Waiting is a blocking flock(LOCK_EX) on a dedicated background thread, bounded by a timeout. The kernel wakes the
/// waiters the moment the lock is released and they compete for it at once, with no CPU spent polling; a loop of
/// try-lock and fixed sleeps instead gives the lock to whoever happens to retry first after each release, so a process
/// whose sleeps keep ending just after someone else took it can miss it over and over while newcomers get in. On
/// timeout the descriptor is disposed: the flock still blocked on the thread keeps it open (SafeHandle reference
/// counting) and it is closed, releasing the lock, as soon as that flock returns.
/// </para>
/// </summary>
internal sealed class FileLock : IDisposable
{
    private readonly SafeFileHandle _fd;

    private FileLock(string path, SafeFileHandle fd) => (Path, _fd) = (path, fd);

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>
    /// Takes the lock on <paramref name="path"/> (created if missing), waiting up to <paramref name="wait"/> while another
    /// holder has it; <paramref name="waiting"/> is told once, with the holder, when it has to wait. A zero wait fails at once.
    /// </summary>
    /// <exception cref="FileLockedException">Still held by another after the wait.</exception>
    /// <exception cref="IOException">The lock file cannot be opened or locked.</exception>
    public static async Task<FileLock> AcquireAsync(string path, TimeSpan wait, Action<LockHolder>? waiting = null)
    {
        var fd = Flock.OpenLockFile(path);
        try
        {
            if (!Flock.TryLockExclusive(fd, path))
            {
                var holder = ReadHolder(fd);
                if (wait <= TimeSpan.Zero) throw new FileLockedException(path, holder, TimeSpan.Zero);
                waiting?.Invoke(holder);
                if (!await WaitAsync(fd, path, wait))
                    throw new FileLockedException(path, ReadHolder(fd) is { Pid: not null } now ? now : holder, wait);
            }
            var held = new FileLock(path, fd);
            held.WriteHolder(LockHolder.Current);
            return held;
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <inheritdoc cref="AcquireAsync"/>
    public static FileLock Acquire(string path, TimeSpan wait) => AcquireAsync(path, wait).GetAwaiter().GetResult();

    /// <summary>Releases the lock (and clears the holder line, so nobody is named after it has gone).</summary>
    public void Dispose()
    {
        if (_fd.IsClosed) return;
        try
        {
            RandomAccess.SetLength(_fd, 0);
        }
        catch (IOException)
        {
            // Only the holder line stays behind; closing the descriptor below still releases the lock.
        }
        _fd.Dispose();
    }

    private static async Task<bool> WaitAsync(SafeFileHandle fd, string path, TimeSpan wait)
    {
        var locked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Flock.LockExclusive(fd, path);
                locked.TrySetResult();
            }
            catch (ObjectDisposedException)
            {
                // The waiter gave up before this thread got to flock: nothing to release.
            }
            catch (IOException e)
            {
                locked.TrySetException(e);
            }
        }) { IsBackground = true, Name = "flock " + System.IO.Path.GetFileName(path) };
        thread.Start();
        try
        {
            await locked.Task.WaitAsync(wait);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private void WriteHolder(LockHolder holder)
    {
        var line = Encoding.UTF8.GetBytes(holder.Line + "\n");
        RandomAccess.Write(_fd, line, 0);
        RandomAccess.SetLength(_fd, line.Length);
    }

    /// <summary>The holder's line from the lock file, read through the descriptor (a FileStream would take flock itself).</summary>
    private static LockHolder ReadHolder(SafeFileHandle fd)
    {
        var buffer = new byte[1024];
        var n = RandomAccess.Read(fd, buffer, 0);
        return LockHolder.Parse(Encoding.UTF8.GetString(buffer, 0, n));
    }
}

/// <summary>Who holds a lock, as the holder wrote it into the lock file: its process id and command line.</summary>
internal sealed partial record LockHolder(int? Pid, string Command)
{
    private const int MaxCommandLength = 300;

    /// <summary>This process: <c>mpcsign join --session ...</c> (the program name without its directory or .dll).</summary>
    public static LockHolder Current { get; } = FromCommandLine(Environment.ProcessId, Environment.GetCommandLineArgs());

    /// <summary>The line written into the lock file.</summary>
    public string Line => $"pid {Pid}: {Command}";

    internal static LockHolder FromCommandLine(int pid, string[] args)
    {
        var program = args.Length > 0 ? System.IO.Path.GetFileNameWithoutExtension(args[0]) : "";
        var command = string.Join(' ', args.Skip(1).Prepend(program)).Trim();
        command = new string(command.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
        if (command.Length > MaxCommandLength) command = command[..(MaxCommandLength - 3)] + "...";
        return new LockHolder(pid, command);
    }

    /// <summary>Parses the first line of a lock file; an empty or foreign one gives an unnamed holder.</summary>
    public static LockHolder Parse(string text)
    {
        var m = LinePattern().Match(text.Split('\n')[0]);
        return m.Success && int.TryParse(m.Groups[1].Value, out var pid)
            ? new LockHolder(pid, m.Groups[2].Value.Trim())
            : new LockHolder(null, "");
    }

    public override string ToString() => Pid is { } pid ? $"pid {pid} ({Command})" : "another process (which has not written its pid yet)";

    [GeneratedRegex(@"^pid ([0-9]{1,10}): (.*)$")]
    private static partial Regex LinePattern();
}

/// <summary>A lock is still held by another holder after the wait.</summary>
internal sealed class FileLockedException(string path, LockHolder holder, TimeSpan waited)
    : IOException($"'{path}' is locked by {holder}")
{
    public string LockPath { get; } = path;

    public LockHolder Holder { get; } = holder;

    public TimeSpan Waited { get; } = waited;
}
