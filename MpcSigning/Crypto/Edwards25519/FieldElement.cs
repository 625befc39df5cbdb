using System.Buffers.Binary;

namespace MpcSigning.Crypto.Edwards25519;

/// <summary>
/// An element of GF(2^255 - 19) in radix 2^51: five limbs, value = l0 + l1*2^51 + ... + l4*2^204. Limbs are
/// "loose": results of <see cref="Mul"/>, <see cref="Square"/> and <see cref="Sub"/> are below 2^51 + 2^13,
/// one <see cref="Add"/> of two such values stays below 2^53, and multiplication accepts limbs below 2^53
/// (the bound that keeps every 128-bit column sum and the final carry * 19 from overflowing).
/// VARIABLE TIME where noted (<see cref="ToBytes"/> is not, but comparisons and the callers are): PUBLIC VALUES ONLY.
/// </summary>
internal readonly partial struct FieldElement
{
    private const ulong Mask51 = (1UL << 51) - 1;

    public readonly ulong L0, L1, L2, L3, L4;

    public FieldElement(ulong l0, ulong l1, ulong l2, ulong l3, ulong l4)
    {
        L0 = l0; L1 = l1; L2 = l2; L3 = l3; L4 = l4;
    }

    public static FieldElement Zero => default;

    public static FieldElement One => new(1, 0, 0, 0, 0);

    /// <summary>
    /// The 255 low bits of a 32-byte little-endian string (RFC 8032 section 5.1.3 step 1 takes y from them;
    /// the top bit is the sign of x and is ignored here). The value may be at or above p: see <see cref="IsCanonical"/>.
    /// </summary>
    public static FieldElement FromBytes(ReadOnlySpan<byte> s)
    {
        var w0 = BinaryPrimitives.ReadUInt64LittleEndian(s);
        var w1 = BinaryPrimitives.ReadUInt64LittleEndian(s[8..]);
        var w2 = BinaryPrimitives.ReadUInt64LittleEndian(s[16..]);
        var w3 = BinaryPrimitives.ReadUInt64LittleEndian(s[24..]);
        return new FieldElement(
            w0 & Mask51,
            ((w0 >> 51) | (w1 << 13)) & Mask51,
            ((w1 >> 38) | (w2 << 26)) & Mask51,
            ((w2 >> 25) | (w3 << 39)) & Mask51,
            (w3 >> 12) & Mask51);
    }

    /// <summary>The unique encoding of the value mod p, 32 bytes little-endian, top bit clear (RFC 8032 section 5.1.2).</summary>
    public void ToBytes(Span<byte> s)
    {
        var r = Carry(L0, L1, L2, L3, L4);
        // r < 2^255 + small: q = 1 exactly when r >= p, found by propagating the carry of r + 19.
        var q = (r.L0 + 19) >> 51;
        q = (r.L1 + q) >> 51;
        q = (r.L2 + q) >> 51;
        q = (r.L3 + q) >> 51;
        q = (r.L4 + q) >> 51;
        var l0 = r.L0 + 19 * q;
        var l1 = r.L1 + (l0 >> 51); l0 &= Mask51;
        var l2 = r.L2 + (l1 >> 51); l1 &= Mask51;
        var l3 = r.L3 + (l2 >> 51); l2 &= Mask51;
        var l4 = r.L4 + (l3 >> 51); l3 &= Mask51;
        l4 &= Mask51;
        BinaryPrimitives.WriteUInt64LittleEndian(s, l0 | (l1 << 51));
        BinaryPrimitives.WriteUInt64LittleEndian(s[8..], (l1 >> 13) | (l2 << 38));
        BinaryPrimitives.WriteUInt64LittleEndian(s[16..], (l2 >> 26) | (l3 << 25));
        BinaryPrimitives.WriteUInt64LittleEndian(s[24..], (l3 >> 39) | (l4 << 12));
    }

    /// <summary>True when the 255 low bits of <paramref name="s"/> are below p, i.e. the encoding is the reduced one.</summary>
    public static bool IsCanonical(ReadOnlySpan<byte> s)
    {
        Span<byte> reduced = stackalloc byte[32];
        FromBytes(s).ToBytes(reduced);
        return reduced[..31].SequenceEqual(s[..31]) && reduced[31] == (s[31] & 0x7f);
    }

    /// <summary>RFC 8032's sign: the low bit of the reduced value.</summary>
    public bool IsNegative
    {
        get { Span<byte> s = stackalloc byte[32]; ToBytes(s); return (s[0] & 1) != 0; }
    }

    public bool IsZero
    {
        get { Span<byte> s = stackalloc byte[32]; ToBytes(s); return s.IndexOfAnyExcept((byte)0) < 0; }
    }

    /// <summary>Equality mod p (variable time).</summary>
    public bool ValueEquals(in FieldElement other) => Sub(this, other).IsZero;
}
