using NSec.Cryptography;
using NSecHash = NSec.Cryptography.HashAlgorithm;

namespace MpcSigning.Crypto;

/// <summary>SHA-256 and SHA-512 through NSec (libsodium's implementations); fixed-time comparison from .NET.</summary>
public static class Hashes
{
    public const int Sha256Size = 32;
    public const int Sha512Size = 64;

    public static byte[] Sha256(ReadOnlySpan<byte> data)
    {
        Interop.Sodium.EnsureInitialized();
        return NSecHash.Sha256.Hash(data);
    }

    /// <summary>SHA-256 into <paramref name="digest"/>, which must be exactly 32 bytes.</summary>
    public static void Sha256(ReadOnlySpan<byte> data, Span<byte> digest)
    {
        Interop.Sodium.EnsureInitialized();
        NSecHash.Sha256.Hash(data, digest);
    }

    public static byte[] Sha512(ReadOnlySpan<byte> data)
    {
        Interop.Sodium.EnsureInitialized();
        return NSecHash.Sha512.Hash(data);
    }

    /// <summary>SHA-512 over the concatenation of the parts, without building the concatenation.</summary>
    public static byte[] Sha512(params ReadOnlySpan<byte[]> parts)
    {
        var h = StartSha512();
        foreach (var p in parts) IncrementalHash.Update(ref h, p);
        return IncrementalHash.Finalize(ref h);
    }

    /// <summary>
    /// An incremental SHA-512. libsodium's crypto_hash_sha512_final wipes the state, so a state that absorbed
    /// secrets is clean once finalized; keep it in a local (on the stack), never in a field.
    /// </summary>
    public static IncrementalHash StartSha512()
    {
        Interop.Sodium.EnsureInitialized();
        IncrementalHash.Initialize(NSecHash.Sha512, out var h);
        return h;
    }

    /// <summary>Constant-time equality; false when lengths differ.</summary>
    public static bool FixedTimeEquals(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(a, b);
}
