using System.Text;
using MpcSigning.Crypto;
using MpcSigning.Interop;
using NSec.Cryptography;

namespace MpcSigning.Signing.Frost;

/// <summary>
/// RFC 9591 section 6.1, FROST(Ed25519, SHA-512) hash functions, plus the DKG hash of frost-ed25519.
/// H1, H3 and HDKG are SHA-512(contextString || tag || m) reduced mod L; H2 is SHA-512(m) reduced mod L with
/// NO prefix, so the challenge is RFC 8032's and the result is an ordinary Ed25519 signature; H4 and H5 are
/// the raw 64-byte digests with their prefix.
/// </summary>
internal static class CiphersuiteHashes
{
    private static readonly byte[] Context = Encoding.ASCII.GetBytes(FrostSuite.Ciphersuite);
    private static readonly byte[] Rho = "rho"u8.ToArray();
    private static readonly byte[] NonceTag = "nonce"u8.ToArray();
    private static readonly byte[] Msg = "msg"u8.ToArray();
    private static readonly byte[] Com = "com"u8.ToArray();
    private static readonly byte[] Dkg = "dkg"u8.ToArray();

    /// <summary>H1: binding factors (section 4.4).</summary>
    public static byte[] H1(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> identifier)
    {
        var h = Start(Rho);
        IncrementalHash.Update(ref h, prefix);
        IncrementalHash.Update(ref h, identifier);
        return FinalScalar(ref h);
    }

    /// <summary>H2: the challenge (section 4.6), no prefix.</summary>
    public static byte[] H2(ReadOnlySpan<byte> r, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message)
    {
        var h = Hashes.StartSha512();
        IncrementalHash.Update(ref h, r);
        IncrementalHash.Update(ref h, publicKey);
        IncrementalHash.Update(ref h, message);
        return FinalScalar(ref h);
    }

    /// <summary>
    /// H3: nonce generation (section 4.1). The input holds the secret share: the state stays on this stack
    /// frame and libsodium wipes it when finalizing; the wide digest is wiped here.
    /// </summary>
    public static void H3(Span<byte> scalar, ReadOnlySpan<byte> random, ReadOnlySpan<byte> secret)
    {
        var h = Start(NonceTag);
        IncrementalHash.Update(ref h, random);
        IncrementalHash.Update(ref h, secret);
        FinalScalar(ref h, scalar);
    }

    /// <summary>H4: the message digest inside binding factor inputs.</summary>
    public static byte[] H4(ReadOnlySpan<byte> message)
    {
        var h = Start(Msg);
        IncrementalHash.Update(ref h, message);
        return IncrementalHash.Finalize(ref h);
    }

    /// <summary>H5: the encoded commitment list digest inside binding factor inputs.</summary>
    public static byte[] H5(ReadOnlySpan<byte> encodedCommitments)
    {
        var h = Start(Com);
        IncrementalHash.Update(ref h, encodedCommitments);
        return IncrementalHash.Finalize(ref h);
    }

    /// <summary>HDKG: the proof-of-knowledge challenge of the key generation (frost-ed25519 HDKG).</summary>
    public static byte[] Hdkg(ReadOnlySpan<byte> identifier, ReadOnlySpan<byte> commitment0, ReadOnlySpan<byte> r)
    {
        var h = Start(Dkg);
        IncrementalHash.Update(ref h, identifier);
        IncrementalHash.Update(ref h, commitment0);
        IncrementalHash.Update(ref h, r);
        return FinalScalar(ref h);
    }

    /// <summary>SHA-512 started with contextString || tag.</summary>
    private static IncrementalHash Start(byte[] tag)
    {
        var h = Hashes.StartSha512();
        IncrementalHash.Update(ref h, Context);
        IncrementalHash.Update(ref h, tag);
        return h;
    }

    private static byte[] FinalScalar(ref IncrementalHash h)
    {
        var s = new byte[Sodium.ScalarBytes];
        FinalScalar(ref h, s);
        return s;
    }

    /// <summary>The digest reduced mod L; the 64-byte digest is wiped.</summary>
    private static void FinalScalar(ref IncrementalHash h, Span<byte> scalar)
    {
        Span<byte> wide = stackalloc byte[Hashes.Sha512Size];
        try
        {
            IncrementalHash.Finalize(ref h, wide);
            Sodium.ScalarReduce(scalar, wide);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(wide);
        }
    }
}
