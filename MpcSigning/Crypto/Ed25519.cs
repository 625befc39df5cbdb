using MpcSigning.Interop;

namespace MpcSigning.Crypto;

/// <summary>Plain RFC 8032 Ed25519 through libsodium. The private key lives only in guarded memory.</summary>
public static class Ed25519
{
    public const int PublicKeySize = Sodium.Ed25519PublicKeyBytes;
    public const int SignatureSize = Sodium.Ed25519SignatureBytes;

    /// <summary>A fresh key pair; the 64-byte libsodium secret key (seed || public key) is in guarded memory.</summary>
    public static (SecretBytes SecretKey, byte[] PublicKey) GenerateKeyPair()
    {
        var sk = SecretBytes.Allocate(Sodium.Ed25519SecretKeyBytes);
        var pk = new byte[PublicKeySize];
        Sodium.Ed25519KeyPair(pk, sk.Span);
        return (sk, pk);
    }

    /// <summary>The key pair for a 32-byte RFC 8032 seed (the "private key" of RFC 8032 and of PKCS#8).</summary>
    public static (SecretBytes SecretKey, byte[] PublicKey) FromSeed(ReadOnlySpan<byte> seed)
    {
        var sk = SecretBytes.Allocate(Sodium.Ed25519SecretKeyBytes);
        var pk = new byte[PublicKeySize];
        Sodium.Ed25519SeedKeyPair(pk, sk.Span, seed);
        return (sk, pk);
    }

    public static byte[] Sign(SecretBytes secretKey, ReadOnlySpan<byte> message)
    {
        ArgumentNullException.ThrowIfNull(secretKey);
        var sig = new byte[SignatureSize];
        Sodium.Ed25519Sign(sig, message, secretKey.ReadOnlySpan);
        return sig;
    }

    /// <summary>Never throws for a bad signature or key: returns false.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        Sodium.Ed25519Verify(signature, message, publicKey);
}
