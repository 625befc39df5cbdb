using System.Security.Cryptography;
using MpcSigning.Crypto;
using MpcSigning.Hosting;

namespace MpcSigning.Sealing;

/// <summary>
/// One sealed key file in the data directory, with the migration of the plain file it replaces: on first open, a
/// plain key file is read, sealed, written owner-only next to it, and then overwritten and deleted (said once, as a
/// warning). A plain file and a sealed file both present means the migration was cut off after the sealed file was
/// written: the sealed one wins and the plain one is deleted.
/// </summary>
public static class SealedKeyStore
{
    /// <summary>
    /// The secret in <paramref name="sealedPath"/>; migrates <paramref name="plainPath"/> first if only it exists;
    /// creates a fresh secret with <paramref name="create"/> if neither does. Null only when nothing exists and
    /// <paramref name="create"/> is null.
    /// </summary>
    /// <param name="fromPlain">Turns the plain file's bytes into the secret to seal (and checks them).</param>
    /// <param name="publicData">Public data to keep in the header (e.g. the public key), from the secret.</param>
    public static SecretBytes? Open(KeySealer sealer, string purpose, string sealedPath, string? plainPath,
        Func<byte[], SecretBytes> fromPlain, Func<SecretBytes>? create, Func<SecretBytes, byte[]>? publicData = null)
    {
        if (!File.Exists(sealedPath))
        {
            if (plainPath is not null && File.Exists(plainPath))
            {
                var raw = File.ReadAllBytes(plainPath);
                try
                {
                    using var secret = fromPlain(raw);
                    Write(sealer, purpose, sealedPath, secret, publicData);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(raw);
                }
                Serilog.Log.Warning("Migrated the plain key file {Plain} to the sealed file {Sealed} ({Sealer} sealing key) and deleted the plain file",
                    plainPath, sealedPath, sealer.Source.Kind);
            }
            else if (create is not null)
            {
                using var fresh = create();
                Write(sealer, purpose, sealedPath, fresh, publicData);
            }
            else return null;
        }
        // the plain file goes only once the sealed one is known to open: a failure here loses nothing
        var opened = sealer.Unseal(ReadAll(sealedPath), purpose, sealedPath);
        if (plainPath is not null && File.Exists(plainPath)) Shred(plainPath);
        return opened;
    }

    private static void Write(KeySealer sealer, string purpose, string path, SecretBytes secret, Func<SecretBytes, byte[]>? publicData)
    {
        var bytes = sealer.Seal(purpose, secret.ReadOnlySpan, publicData?.Invoke(secret) ?? []);
        try { DataDirectory.WriteOwnerOnly(path, bytes); }
        catch (IOException) when (File.Exists(path)) { /* another process sealed it first: open theirs */ }
    }

    public static byte[] ReadAll(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SealingException($"cannot read sealed key file '{path}': {e.Message}", e);
        }
    }

    /// <summary>Overwrites a plain key file with zeros, then deletes it (best effort against recovery; the file system may keep old blocks).</summary>
    private static void Shred(string path)
    {
        var length = new FileInfo(path).Length;
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            fs.Write(new byte[length]);
            fs.Flush(flushToDisk: true);
        }
        File.Delete(path);
    }
}
