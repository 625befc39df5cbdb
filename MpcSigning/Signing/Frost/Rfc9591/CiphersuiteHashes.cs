using System.Text;
using MpcSigning.Interop;

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
        h.Update(prefix);
        h.Update(identifier);
        return h.FinalScalar();
    }

    /// <summary>H2: the challenge (section 4.6), no prefix.</summary>
    public static byte[] H2(ReadOnlySpan<byte> r, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message)
    {
        var h = new Sha512Stream();
        h.Update(r);
        h.Update(publicKey);
        h.Update(message);
        return h.FinalScalar();
    }

    /// <summary>H3: nonce generation (section 4.1). The input holds the secret share, so the state is wiped.</summary>
    public static void H3(Span<byte> scalar, ReadOnlySpan<byte> random, ReadOnlySpan<byte> secret)
    {
        var h = Start(NonceTag);
        h.Update(random);
        h.Update(secret);
        h.FinalScalar(scalar);
    }

    /// <summary>H4: the message digest inside binding factor inputs.</summary>
    public static byte[] H4(ReadOnlySpan<byte> message) { var h = Start(Msg); h.Update(message); return h.FinalDigest(); }

    /// <summary>H5: the encoded commitment list digest inside binding factor inputs.</summary>
    public static byte[] H5(ReadOnlySpan<byte> encodedCommitments) { var h = Start(Com); h.Update(encodedCommitments); return h.FinalDigest(); }

    /// <summary>HDKG: the proof-of-knowledge challenge of the key generation (frost-ed25519 HDKG).</summary>
    public static byte[] Hdkg(ReadOnlySpan<byte> identifier, ReadOnlySpan<byte> commitment0, ReadOnlySpan<byte> r)
    {
        var h = Start(Dkg);
        h.Update(identifier);
        h.Update(commitment0);
        h.Update(r);
        return h.FinalScalar();
    }

    private static Sha512Stream Start(byte[] tag)
    {
        var h = new Sha512Stream();
        h.Update(Context);
        h.Update(tag);
        return h;
    }

    /// <summary>Incremental SHA-512 whose state (which may have absorbed secrets) is wiped when finalized.</summary>
    private sealed class Sha512Stream
    {
        private readonly byte[] _state = new byte[Sodium.Sha512StateBytes];

        public Sha512Stream() => Sodium.Sha512Init(_state);

        public void Update(ReadOnlySpan<byte> data) => Sodium.Sha512Update(_state, data);

        public byte[] FinalDigest()
        {
            var d = new byte[Sodium.Sha512Bytes];
            Sodium.Sha512Final(_state, d);
            Sodium.MemZero(_state);
            return d;
        }

        public byte[] FinalScalar() { var s = new byte[Sodium.ScalarBytes]; FinalScalar(s); return s; }

        public void FinalScalar(Span<byte> scalar)
        {
            Span<byte> wide = stackalloc byte[Sodium.Sha512Bytes];
            try
            {
                Sodium.Sha512Final(_state, wide);
                Sodium.ScalarReduce(scalar, wide);
            }
            finally
            {
                Sodium.MemZero(wide);
                Sodium.MemZero(_state);
            }
        }
    }
}
