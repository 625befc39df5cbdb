using System.Security.Cryptography;
using MpcSigning.Crypto;
using MpcSigning.Hosting;
using Key = NSec.Cryptography.Key;

namespace MpcSigning.TLog.Checkpoints;

/// <summary>
/// The log's Ed25519 key: a 32-byte RFC 8032 seed in a 0600 file in the data directory, created on first
/// start, and held as a non-exportable NSec key (libsodium guarded memory) while the log runs. Log ID = SHA-256
/// of its SubjectPublicKeyInfo DER.
/// </summary>
public sealed class LogKey : IDisposable
{
    /// <summary>RFC 8410 section 4: SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (0 unused bits) || key }.</summary>
    private static readonly byte[] SpkiPrefix = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

    public Key SecretKey { get; }
    public byte[] PublicKey { get; }
    public byte[] SubjectPublicKeyInfo => SpkiOf(PublicKey);
    public byte[] LogId => Hashes.Sha256(SubjectPublicKeyInfo);

    private LogKey(Key secretKey, byte[] publicKey)
    {
        SecretKey = secretKey;
        PublicKey = publicKey;
    }

    public static byte[] SpkiOf(ReadOnlySpan<byte> publicKey) => [.. SpkiPrefix, .. publicKey];

    public static LogKey FromSeed(ReadOnlySpan<byte> seed)
    {
        var key = Ed25519.FromSeed(seed);
        return new LogKey(key, Ed25519.PublicKeyOf(key));
    }

    public const string SealingPurpose = "tlog-key";

    /// <summary>Where the sealed form of the key file <paramref name="path"/> lives.</summary>
    public static string SealedPathOf(string path) => path + ".sealed";

    /// <summary>
    /// With a sealer, opens the sealed key (<see cref="SealedPathOf"/>), sealing and deleting a plain seed file first if
    /// one is left, or creating a fresh sealed key. Without one, the plain seed file as before.
    /// </summary>
    public static LogKey LoadOrCreate(string path, Sealing.KeySealer? sealer)
    {
        var sealedPath = SealedPathOf(path);
        if (sealer is null)
        {
            if (File.Exists(sealedPath))
                throw new TLogException(TLogErrorCode.InvalidKeyFile, $"the log key '{sealedPath}' is sealed; only the node, with its sealing key, opens it.");
            return LoadOrCreate(path);
        }
        try
        {
            using var seed = Sealing.SealedKeyStore.Open(sealer, SealingPurpose, sealedPath, path, raw =>
                raw.Length == 32 ? SecretBytes.CopyFrom(raw)
                    : throw new TLogException(TLogErrorCode.InvalidKeyFile, $"log key file '{path}' holds {raw.Length} bytes; want a 32-byte Ed25519 seed. Restore it from backup."),
                () => SecretBytes.Random(32), PublicKeyOfSeed)!;
            if (seed.Length != 32)
                throw new TLogException(TLogErrorCode.InvalidKeyFile, $"sealed log key '{sealedPath}' holds {seed.Length} bytes; want a 32-byte Ed25519 seed. Restore it from backup.");
            return FromSeed(seed.ReadOnlySpan);
        }
        catch (Sealing.SealingException e)
        {
            throw new TLogException(TLogErrorCode.InvalidKeyFile, "log key: " + e.Message, e);
        }
    }

    /// <summary>The public key of a seed (stored in the sealed file's header, so verifiers read it without unsealing).</summary>
    public static byte[] PublicKeyOfSeed(SecretBytes seed)
    {
        using var key = Ed25519.FromSeed(seed.ReadOnlySpan);
        return Ed25519.PublicKeyOf(key);
    }

    /// <summary>Loads the key file, or creates it (owner-only) when absent.</summary>
    public static LogKey LoadOrCreate(string path)
    {
        if (!File.Exists(path))
        {
            using var fresh = SecretBytes.Random(32);
            try { DataDirectory.WriteOwnerOnly(path, fresh.ReadOnlySpan); }
            catch (IOException) when (File.Exists(path)) { /* another process created it first: load theirs */ }
        }
        var mode = File.GetUnixFileMode(path);
        if ((mode & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
            throw new TLogException(TLogErrorCode.InvalidKeyFile,
                $"log key file '{path}' is readable or writable by others ({mode}); run 'chmod 600 {path}'.");
        var raw = File.ReadAllBytes(path);
        try
        {
            if (raw.Length != 32)
                throw new TLogException(TLogErrorCode.InvalidKeyFile,
                    $"log key file '{path}' holds {raw.Length} bytes; want a 32-byte Ed25519 seed. Restore it from backup.");
            return FromSeed(raw);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    public void Dispose() => SecretKey.Dispose();
}
