using System.Security.Cryptography;
using MpcSigning.Crypto;
using MpcSigning.Interop;

namespace MpcSigning.Signing.Frost;

/// <summary>RFC 9591 section 4.1, nonce generation.</summary>
internal static class NonceGeneration
{
    /// <summary>
    /// nonce_generate(secret): H3(random_bytes(32) || SerializeScalar(secret)). Mixing the share in protects
    /// against a weak RNG; the randomness protects against deterministic nonce reuse. <paramref name="random"/>
    /// is the 32 fresh bytes (taken from the caller only so that the published vectors can be replayed).
    /// A zero result is rejected rather than used: libsodium would refuse to commit to it anyway.
    /// </summary>
    public static void Generate(Span<byte> nonce, ReadOnlySpan<byte> random, SecretBytes secret)
    {
        CiphersuiteHashes.H3(nonce, random, secret.ReadOnlySpan);
        if (Group.IsZero(nonce)) throw new FrostException(FrostError.ZeroScalar, "nonce generation produced zero; retry with fresh randomness.");
    }

    /// <summary>nonce_generate with 32 fresh bytes from libsodium's CSPRNG.</summary>
    public static void Generate(Span<byte> nonce, SecretBytes secret)
    {
        Span<byte> random = stackalloc byte[32];
        try
        {
            Sodium.RandomBytes(random);
            Generate(nonce, random, secret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(random);
        }
    }
}
