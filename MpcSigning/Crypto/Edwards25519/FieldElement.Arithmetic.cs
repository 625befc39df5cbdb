using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace MpcSigning.Crypto.Edwards25519;

/// <summary>
/// Field operations. Products are column sums of 64x64-bit products kept as two 64-bit words (see <see cref="Mul"/>),
/// with the wrap-around 2^255 = 19 mod p folded in by multiplying the wrapped part of a column by 19.
/// </summary>
internal readonly partial struct FieldElement
{
    // 16p, limb by limb: added before subtracting so that no limb goes negative (subtrahend limbs below 2^55).
    private const ulong SixteenP0 = 16 * ((1UL << 51) - 19);
    private const ulong SixteenPi = 16 * ((1UL << 51) - 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FieldElement Add(in FieldElement a, in FieldElement b) =>
        new(a.L0 + b.L0, a.L1 + b.L1, a.L2 + b.L2, a.L3 + b.L3, a.L4 + b.L4);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FieldElement Sub(in FieldElement a, in FieldElement b) =>
        Carry(a.L0 + SixteenP0 - b.L0, a.L1 + SixteenPi - b.L1, a.L2 + SixteenPi - b.L2, a.L3 + SixteenPi - b.L3, a.L4 + SixteenPi - b.L4);

    public static FieldElement Negate(in FieldElement a) => Sub(Zero, a);

    // 2p, limb by limb.
    private const ulong TwoP0 = 2 * ((1UL << 51) - 19);
    private const ulong TwoPi = 2 * ((1UL << 51) - 1);

    /// <summary>
    /// a - b with no carry, for a result that is only multiplied: a and b must be results of Mul, Square, Sub or
    /// decoding (limbs below 2^51 + 19 * 2^13, so below 2p's limbs), and the result's limbs are below 2^52.6, which
    /// Mul and Square accept but Add and Sub must not be given.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FieldElement SubForMul(in FieldElement a, in FieldElement b) =>
        new(a.L0 + TwoP0 - b.L0, a.L1 + TwoPi - b.L1, a.L2 + TwoPi - b.L2, a.L3 + TwoPi - b.L3, a.L4 + TwoPi - b.L4);

    /// <summary>Weak reduction: every limb below 2^51 except l0, below 2^51 + 19 * 2^13.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static FieldElement Carry(ulong l0, ulong l1, ulong l2, ulong l3, ulong l4)
    {
        l1 += l0 >> 51; l0 &= Mask51;
        l2 += l1 >> 51; l1 &= Mask51;
        l3 += l2 >> 51; l2 &= Mask51;
        l4 += l3 >> 51; l3 &= Mask51;
        l0 += 19 * (l4 >> 51); l4 &= Mask51;
        return new FieldElement(l0, l1, l2, l3, l4);
    }

    /// <summary>
    /// The high word of x*y, where x = a*2^7 and y = b*2^6 for limbs a, b below 2^53 (so x below 2^60, y below 2^59):
    /// x*y = a*b*2^13, whose high word is floor(a*b / 2^51), the part of a*b that carries into the next column.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Hi(ulong x, ulong y) =>
        // The one-output MULX: Math.BigMul's second output goes through memory, which made a multiplication slower.
        Bmi2.X64.IsSupported ? Bmi2.X64.MultiplyNoFlags(x, y) : Math.BigMul(x, y, out _);

    /// <summary>With x, y as for <see cref="Hi"/>: the low 64 bits of x*y are (a*b mod 2^51)*2^13, so this is a*b mod 2^51.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Lo(ulong x, ulong y) => (x * y) >> 13;

    /// <summary>
    /// Column by column, each column kept as (high, low) = (sum of floor(a_i b_j / 2^51), sum of a_i b_j mod 2^51), so
    /// that no 128-bit carry (and no data-dependent branch) is ever needed, and each carry folded into the next
    /// column at once. Inputs are pre-shifted (a by 7, b by 6 bits) so that one MULX and one IMUL give both parts
    /// with one shift. The wrapped products of a column (i + j = k + 5, worth 2^255 = 19) are summed first and
    /// multiplied by 19 once, instead of holding four 19 b_j in registers (the JIT spilled them).
    /// Bounds, limbs below 2^53: a product's high part is below 2^55 and its low part below 2^51, so a column's
    /// high sum is below 77 * 2^55 &lt; 2^61.3 and its low sum (with the carry in) below 2^61.6.
    /// </summary>
    public static FieldElement Mul(in FieldElement a, in FieldElement b)
    {
        ulong a0 = a.L0 << 7, a1 = a.L1 << 7, a2 = a.L2 << 7, a3 = a.L3 << 7, a4 = a.L4 << 7;
        ulong b0 = b.L0 << 6, b1 = b.L1 << 6, b2 = b.L2 << 6, b3 = b.L3 << 6, b4 = b.L4 << 6;
        var c = 19 * (Lo(a1, b4) + Lo(a2, b3) + Lo(a3, b2) + Lo(a4, b1)) + Lo(a0, b0);
        var h = 19 * (Hi(a1, b4) + Hi(a2, b3) + Hi(a3, b2) + Hi(a4, b1)) + Hi(a0, b0);
        var l0 = c & Mask51;
        c = h + (c >> 51) + 19 * (Lo(a2, b4) + Lo(a3, b3) + Lo(a4, b2)) + Lo(a0, b1) + Lo(a1, b0);
        h = 19 * (Hi(a2, b4) + Hi(a3, b3) + Hi(a4, b2)) + Hi(a0, b1) + Hi(a1, b0);
        var l1 = c & Mask51;
        c = h + (c >> 51) + 19 * (Lo(a3, b4) + Lo(a4, b3)) + Lo(a0, b2) + Lo(a1, b1) + Lo(a2, b0);
        h = 19 * (Hi(a3, b4) + Hi(a4, b3)) + Hi(a0, b2) + Hi(a1, b1) + Hi(a2, b0);
        var l2 = c & Mask51;
        c = h + (c >> 51) + 19 * Lo(a4, b4) + Lo(a0, b3) + Lo(a1, b2) + Lo(a2, b1) + Lo(a3, b0);
        h = 19 * Hi(a4, b4) + Hi(a0, b3) + Hi(a1, b2) + Hi(a2, b1) + Hi(a3, b0);
        var l3 = c & Mask51;
        c = h + (c >> 51) + Lo(a0, b4) + Lo(a1, b3) + Lo(a2, b2) + Lo(a3, b1) + Lo(a4, b0);
        h = Hi(a0, b4) + Hi(a1, b3) + Hi(a2, b2) + Hi(a3, b1) + Hi(a4, b0);
        var l4 = c & Mask51;
        // The last column has no wrapped product: 19 * (h + carry) is below 95 * 2^55 + small &lt; 2^61.6.
        l0 += 19 * (h + (c >> 51));
        l1 += l0 >> 51;
        return new FieldElement(l0 & Mask51, l1, l2, l3, l4);
    }

    /// <summary>
    /// The same for a^2, whose cross products appear twice: a doubled factor is shifted by 8 instead of 7, and with
    /// only two wrapped factors here, 19 a_3 2^6 and 19 a_4 2^6 (below 2^63.3) are formed once. A high part is below
    /// 2^60.3 (a_i 2^8 times 19 a_j 2^6), so a column stays below 2^61.3 and the last one times 19 below 2^61.7.
    /// </summary>
    public static FieldElement Square(in FieldElement a)
    {
        ulong a0 = a.L0, a1 = a.L1, a2 = a.L2, a3 = a.L3, a4 = a.L4;
        ulong s0 = a0 << 6, s1 = a1 << 6, s2 = a2 << 6, s3 = a3 << 6, s4 = a4 << 6;
        ulong n3 = s3 * 19, n4 = s4 * 19;
        ulong d0 = a0 << 8, d1 = a1 << 8, d2 = a2 << 8;
        var c = Lo(d1, n4) + Lo(d2, n3) + Lo(a0 << 7, s0);
        var h = Hi(d1, n4) + Hi(d2, n3) + Hi(a0 << 7, s0);
        var l0 = c & Mask51;
        c = h + (c >> 51) + Lo(a3 << 7, n3) + Lo(d2, n4) + Lo(d0, s1);
        h = Hi(a3 << 7, n3) + Hi(d2, n4) + Hi(d0, s1);
        var l1 = c & Mask51;
        c = h + (c >> 51) + Lo(a3 << 8, n4) + Lo(d0, s2) + Lo(a1 << 7, s1);
        h = Hi(a3 << 8, n4) + Hi(d0, s2) + Hi(a1 << 7, s1);
        var l2 = c & Mask51;
        c = h + (c >> 51) + Lo(a4 << 7, n4) + Lo(d0, s3) + Lo(d1, s2);
        h = Hi(a4 << 7, n4) + Hi(d0, s3) + Hi(d1, s2);
        var l3 = c & Mask51;
        c = h + (c >> 51) + Lo(d0, s4) + Lo(d1, s3) + Lo(a2 << 7, s2);
        h = Hi(d0, s4) + Hi(d1, s3) + Hi(a2 << 7, s2);
        var l4 = c & Mask51;
        l0 += 19 * (h + (c >> 51));
        l1 += l0 >> 51;
        return new FieldElement(l0 & Mask51, l1, l2, l3, l4);
    }

    /// <summary>a^(2^n), n at least 1.</summary>
    public static FieldElement SquareTimes(in FieldElement a, int n)
    {
        var r = Square(a);
        for (var i = 1; i < n; i++) r = Square(r);
        return r;
    }
}
