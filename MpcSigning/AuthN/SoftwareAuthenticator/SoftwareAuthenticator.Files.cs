using System.Text;
using MpcSigning.Interop;

namespace MpcSigning.AuthN.Software;

public sealed partial class SoftwareAuthenticator
{
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// The file for <paramref name="email"/>: the normalized email with every byte outside [a-z0-9.@_+-]
    /// written as %XX, plus ".json". Injective, and never a path separator, "." or "..".
    /// </summary>
    public static string FileNameFor(string email)
    {
        var normalized = ParticipantEmail.Normalize(email);
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(normalized))
        {
            var c = (char)b;
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '@' or '_' or '+' or '-') sb.Append(c);
            else sb.Append('%').Append(b.ToString("X2"));
        }
        return sb.Append(".json").ToString();
    }

    private static string PathFor(string? directory, string email, bool createDirectory)
    {
        var dir = Path.GetFullPath(string.IsNullOrWhiteSpace(directory) ? DefaultDirectory : directory);
        if (createDirectory)
            Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return Path.Combine(dir, FileNameFor(email));
    }

    /// <summary>How long an assertion waits for another process using the same authenticator (each holds it for milliseconds).</summary>
    internal static readonly TimeSpan LockWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The authenticator's exclusive lock across processes: flock on <c>&lt;file&gt;.lock</c> beside it (mode 0600), held
    /// while its counter is read, incremented and written, or while it is created.
    /// </summary>
    private static FileLock LockFile(string path)
    {
        try
        {
            return FileLock.Acquire(path + ".lock", LockWait);
        }
        catch (FileLockedException e)
        {
            throw new AuthNException(AuthNError.AuthenticatorBusy,
                $"software authenticator '{path}' is in use by {e.Holder}, still after {LockWait.TotalSeconds:0} s; retry when it has finished.", e);
        }
        catch (IOException e)
        {
            throw new AuthNException(AuthNError.AuthenticatorMissing,
                $"cannot lock software authenticator '{path}': {e.Message}. Check that the directory exists and that you own it.", e);
        }
    }

    /// <summary>Reads the file after checking it exists and that neither group nor others can access it.</summary>
    private static AuthenticatorFile ReadChecked(string path)
    {
        if (!File.Exists(path))
            throw new AuthNException(AuthNError.AuthenticatorMissing,
                $"no software authenticator at '{path}'; create one first (or pass the directory that holds it).");
        var mode = File.GetUnixFileMode(path);
        if ((mode & GroupOrOther) != 0)
            throw new AuthNException(AuthNError.AuthenticatorFileInsecure,
                $"software authenticator '{path}' has mode {Convert.ToString((int)mode, 8)}, so other users can read or " +
                $"change the key; run 'chmod 600 {path}', and if others may have copied it, create a new one and re-enroll.");
        try
        {
            return AuthenticatorFile.Read(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AuthNException(AuthNError.AuthenticatorMissing,
                $"cannot read software authenticator '{path}': {e.Message}. Check that you own the file.", e);
        }
    }
}
