using NSec.Cryptography;

namespace MpcSigning.Crypto;

/// <summary>
/// Plain RFC 8032 Ed25519 through NSec. A private key is an NSec <see cref="Key"/>: it lives in libsodium's
/// guarded memory and cannot be exported (<see cref="KeyExportPolicies.None"/>); dispose it to wipe it.
/// </summary>
public static class Ed25519
{
    public const int PublicKeySize = 32;
    public const int SignatureSize = 64;
    public const int SeedSize = 32;

    private static SignatureAlgorithm Algorithm => SignatureAlgorithm.Ed25519;

    /// <summary>A fresh private key from libsodium's CSPRNG.</summary>
    public static Key GenerateKey()
    {
        Interop.Sodium.EnsureInitialized();
        var notExportable = new KeyCreationParameters { ExportPolicy = KeyExportPolicies.None };
        return Key.Create(Algorithm, in notExportable);
    }

    /// <summary>The private key for a 32-byte RFC 8032 seed (the "private key" of RFC 8032 and of PKCS#8).</summary>
    public static Key FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize) throw new ArgumentException("an Ed25519 seed is 32 bytes", nameof(seed));
        Interop.Sodium.EnsureInitialized();
        var notExportable = new KeyCreationParameters { ExportPolicy = KeyExportPolicies.None };
        return Key.Import(Algorithm, seed, KeyBlobFormat.RawPrivateKey, in notExportable);
    }

    /// <summary>The 32-byte RFC 8032 public key of <paramref name="key"/>.</summary>
    public static byte[] PublicKeyOf(Key key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    public static byte[] Sign(Key key, ReadOnlySpan<byte> message)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Algorithm.Sign(key, message);
    }

    /// <summary>
    /// RFC 8032 verification by libsodium (which rejects small-order and non-canonical encodings). Never throws
    /// for a bad signature or key: returns false.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeySize || signature.Length != SignatureSize) return false;
        Interop.Sodium.EnsureInitialized();
        return PublicKey.TryImport(Algorithm, publicKey, KeyBlobFormat.RawPublicKey, out var key) && Algorithm.Verify(key!, message, signature);
    }
}
