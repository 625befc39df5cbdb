using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MpcSigning.Interop;

/// <summary>
/// open(2) and flock(2) from libc, for lock files. Not FileStream: on Unix .NET itself takes flock(LOCK_SH|LOCK_NB) on
/// every file it opens with a FileShare other than None (LOCK_EX for None) and fails the open if that would block,
/// so opening a lock file another process holds would throw instead of waiting. Constants are Linux's, the same on
/// x86-64 and arm64: O_RDWR 2, O_CREAT 0100, O_CLOEXEC 02000000; LOCK_EX 2, LOCK_NB 4; EINTR 4, EWOULDBLOCK 11.
/// </summary>
internal static partial class Flock
{
    private const int ORdWr = 2, OCreat = 0x40, OCloExec = 0x80000;
    private const int LockEx = 2, LockNb = 4;
    private const int EIntr = 4, EWouldBlock = 11;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int FlockCall(SafeFileHandle fd, int operation);

    /// <summary>
    /// Opens (creating, mode 0600) the lock file read-write. Close-on-exec, so a child process never inherits the
    /// lock: flock belongs to the open file description, and a child holding it would outlive its parent's lock.
    /// </summary>
    public static SafeFileHandle OpenLockFile(string path)
    {
        var fd = Open(path, ORdWr | OCreat | OCloExec, 0b110_000_000);
        if (fd < 0) throw new IOException($"cannot open lock file '{path}': {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>flock(LOCK_EX|LOCK_NB): true if this descriptor now holds the lock, false if another one does.</summary>
    public static bool TryLockExclusive(SafeFileHandle fd, string path) => Lock(fd, LockEx | LockNb, path);

    /// <summary>flock(LOCK_EX): blocks until this descriptor holds the lock.</summary>
    public static void LockExclusive(SafeFileHandle fd, string path) => Lock(fd, LockEx, path);

    private static bool Lock(SafeFileHandle fd, int operation, string path)
    {
        while (true)
        {
            if (FlockCall(fd, operation) == 0) return true;
            var errno = Marshal.GetLastPInvokeError();
            if (errno == EIntr) continue;
            if (errno == EWouldBlock && (operation & LockNb) != 0) return false;
            throw new IOException($"cannot lock '{path}': {Marshal.GetPInvokeErrorMessage(errno)}");
        }
    }
}
