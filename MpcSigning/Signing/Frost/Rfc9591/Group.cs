using Google.Protobuf;
using MpcSigning.Crypto.Edwards25519;
using MpcSigning.Interop;

namespace MpcSigning.Signing.Frost;

/// <summary>
/// RFC 9591 section 3.1 (prime-order group) for section 6.1's Ed25519 group. Anything that multiplies a
/// secret (nonce commitments, a share's public image) uses libsodium's constant-time
/// crypto_scalarmult_ed25519_*_noclamp; public-only computations (group commitment, share checks, DKG proofs
/// and commitment evaluations) use the variable-time <see cref="PublicPoint"/> arithmetic. Elements and scalars
/// are plain 32-byte arrays; everything coming from outside passes <see cref="DeserializeElement"/>,
/// <see cref="DecodeElement"/> or <see cref="DeserializeScalar"/>.
/// </summary>
internal static class Group
{
    public const int ElementSize = Sodium.PointBytes;
    public const int ScalarSize = Sodium.ScalarBytes;

    /// <summary>The group order L = 2^252 + 27742317777372353535851937790883648493, little-endian.</summary>
    private static ReadOnlySpan<byte> Order =>
    [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];

    /// <summary>Encoding of the identity (0, 1): only ever an accumulator start, never accepted from outside.</summary>
    public static byte[] Identity() { var p = new byte[ElementSize]; p[0] = 1; return p; }

    /// <summary>
    /// s &lt; L, computed as the borrow of s - L without branches on the value, because shares received in DKG
    /// part 3 are secret. Section 3.1: DeserializeScalar fails for values at or above L; they are never reduced.
    /// </summary>
    public static bool IsCanonicalScalar(ReadOnlySpan<byte> s)
    {
        if (s.Length != ScalarSize) return false;
        var borrow = 0;
        for (var i = 0; i < ScalarSize; i++) borrow = ((s[i] - Order[i] - borrow) >> 8) & 1;
        return borrow == 1;
    }

    /// <summary>Constant-time test for the zero scalar.</summary>
    public static bool IsZero(ReadOnlySpan<byte> s)
    {
        var acc = 0;
        foreach (var b in s) acc |= b;
        return acc == 0;
    }

    /// <summary>Section 3.1 DeserializeScalar: exactly 32 bytes, below L. <paramref name="what"/> names the field.</summary>
    public static byte[] DeserializeScalar(ByteString bytes, string what, uint culprit = 0)
    {
        var s = bytes.Span;
        if (s.Length != ScalarSize || !IsCanonicalScalar(s))
            throw new FrostException(FrostError.InvalidScalar,
                $"{what}: expected a 32-byte little-endian scalar below the group order L, got {s.Length} bytes" +
                (s.Length == ScalarSize ? " at or above L" : "") + "; scalars are never reduced (RFC 9591 section 3.1).",
                Blame(culprit));
        return s.ToArray();
    }

    /// <summary>
    /// Section 3.1 DeserializeElement: a canonical point on the curve, not the identity, in the prime-order
    /// subgroup; the same verdict as libsodium's is_valid_point (which rejects every small-order point, the identity
    /// included), reached by <see cref="PublicPoint.TryDecodeValidated"/>'s point-halving test in about half its time.
    /// </summary>
    public static byte[] DeserializeElement(ByteString bytes, string what, uint culprit = 0)
    {
        DecodeElement(bytes, what, culprit);
        return bytes.ToByteArray();
    }

    /// <summary>
    /// Section 3.1 DeserializeElement into a point for the variable-time arithmetic (<see cref="DeserializeElement"/>'s
    /// checks). With <paramref name="trusted"/> only the decoding is done (canonical, on the curve): for encodings
    /// this process itself computed as a non-zero multiple of B, and for the aggregator's first attempt, whose
    /// result is accepted only as a signature that verifies (see <see cref="FrostAggregator"/>).
    /// </summary>
    public static PublicPoint DecodeElement(ByteString bytes, string what, uint culprit = 0, bool trusted = false)
    {
        var p = bytes.Span;
        if (trusted ? PublicPoint.TryDecode(p, out var point) : PublicPoint.TryDecodeValidated(p, out point)) return point;
        throw new FrostException(FrostError.InvalidElement,
            $"{what}: expected a 32-byte canonical Ed25519 point of prime order (not the identity), got " +
            (p.Length == ElementSize ? "an invalid point" : $"{p.Length} bytes") + " (RFC 9591 section 3.1).",
            Blame(culprit));
    }

    /// <summary>Section 4.1: an identifier as a scalar, little-endian (identifiers above 255 use more bytes).</summary>
    public static byte[] SerializeIdentifier(uint identifier)
    {
        var s = new byte[ScalarSize];
        BitConverter.TryWriteBytes(s, identifier);
        if (!BitConverter.IsLittleEndian) Array.Reverse(s, 0, 4);
        return s;
    }

    /// <summary>s*B, constant time. A zero scalar is refused, as libsodium's noclamp variant does.</summary>
    public static byte[] ScalarBaseMult(ReadOnlySpan<byte> s, string what)
    {
        var q = new byte[ElementSize];
        if (!Sodium.ScalarMultBase(q, s))
            throw new FrostException(FrostError.ZeroScalar, $"{what} is zero; a fresh random value is required.");
        return q;
    }

    /// <summary>s*P for a validated P. Fails only when s is zero mod L or the product is the identity.</summary>
    public static byte[] ScalarMult(ReadOnlySpan<byte> s, ReadOnlySpan<byte> p, string what)
    {
        var q = new byte[ElementSize];
        if (!Sodium.ScalarMult(q, s, p))
            throw new FrostException(FrostError.ZeroScalar, $"{what}: the scalar is zero or the product is the identity.");
        return q;
    }

    /// <summary>p + q; the identity is allowed here as an accumulator.</summary>
    public static byte[] Add(ReadOnlySpan<byte> p, ReadOnlySpan<byte> q)
    {
        var r = new byte[ElementSize];
        if (!Sodium.PointAdd(r, p, q)) throw new InvalidOperationException("point addition on an unvalidated point");
        return r;
    }

    public static byte[] Sub(ReadOnlySpan<byte> p, ReadOnlySpan<byte> q)
    {
        var r = new byte[ElementSize];
        if (!Sodium.PointSub(r, p, q)) throw new InvalidOperationException("point subtraction on an unvalidated point");
        return r;
    }

    public static bool ElementEquals(ReadOnlySpan<byte> p, ReadOnlySpan<byte> q) => p.SequenceEqual(q);

    private static uint[] Blame(uint culprit) => culprit == 0 ? [] : [culprit];
}
