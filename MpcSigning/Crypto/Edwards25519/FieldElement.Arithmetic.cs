using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace MpcSigning.Crypto.Edwards25519;

/// <summary>
/// Field operations. Products are 128-bit column sums of 64x64-bit products (Math.BigMul), with the
/// wrap-around 2^255 = 19 mod p folded in by pre-multiplying the high limbs by 19.
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
    /// Adds a*b to a column kept as (high, low) = (sum of products >> 51, sum of their low 51 bits), so that no
    /// 128-bit carry (and no data-dependent branch) is ever needed. With inputs below 2^53 (and 19x below
    /// 2^57.3) a product is below 2^110.3: its high part is below 2^59.3, five of them below 2^61.7.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void P(ulong a, ulong b, ref ulong high, ref ulong low)
    {
        ulong h, l;
        if (Bmi2.X64.IsSupported)
        {
            // The one-output MULX plus a plain multiply for the low word: Math.BigMul's out parameter goes
            // through memory, which made a field multiplication twice as slow.
            h = Bmi2.X64.MultiplyNoFlags(a, b);
            l = a * b;
        }
        else
        {
            h = Math.BigMul(a, b, out l);
        }
        high += (h << 13) | (l >> 51);
        low += l & Mask51;
    }

    /// <summary>
    /// Column by column, each carry folded into the next column at once, so that few values are live at a time
    /// (with all ten column words live the JIT spilled to the stack and a multiplication cost twice a square).
    /// </summary>
    public static FieldElement Mul(in FieldElement a, in FieldElement b)
    {
        ulong a0 = a.L0, a1 = a.L1, a2 = a.L2, a3 = a.L3, a4 = a.L4;
        ulong b0 = b.L0, b1 = b.L1, b2 = b.L2, b3 = b.L3, b4 = b.L4;
        ulong h = 0, c = 0;
        P(a0, b0, ref h, ref c); P(a1, b4 * 19, ref h, ref c); P(a2, b3 * 19, ref h, ref c); P(a3, b2 * 19, ref h, ref c); P(a4, b1 * 19, ref h, ref c);
        var l0 = c & Mask51;
        c = h + (c >> 51); h = 0;
        P(a0, b1, ref h, ref c); P(a1, b0, ref h, ref c); P(a2, b4 * 19, ref h, ref c); P(a3, b3 * 19, ref h, ref c); P(a4, b2 * 19, ref h, ref c);
        var l1 = c & Mask51;
        c = h + (c >> 51); h = 0;
        P(a0, b2, ref h, ref c); P(a1, b1, ref h, ref c); P(a2, b0, ref h, ref c); P(a3, b4 * 19, ref h, ref c); P(a4, b3 * 19, ref h, ref c);
        var l2 = c & Mask51;
        c = h + (c >> 51); h = 0;
        P(a0, b3, ref h, ref c); P(a1, b2, ref h, ref c); P(a2, b1, ref h, ref c); P(a3, b0, ref h, ref c); P(a4, b4 * 19, ref h, ref c);
        var l3 = c & Mask51;
        c = h + (c >> 51); h = 0;
        P(a0, b4, ref h, ref c); P(a1, b3, ref h, ref c); P(a2, b2, ref h, ref c); P(a3, b1, ref h, ref c); P(a4, b0, ref h, ref c);
        var l4 = c & Mask51;
        l0 += 19 * (h + (c >> 51));
        l1 += l0 >> 51;
        return new FieldElement(l0 & Mask51, l1, l2, l3, l4);
    }

    /// <summary>The same column order for a^2, whose cross products appear twice (doubled inputs d_i = 2 a_i).</summary>
    public static FieldElement Square(in FieldElement a)
    {
        ulong a0 = a.L0, a1 = a.L1, a2 = a.L2, a3 = a.L3, a4 = a.L4;
        ulong d0 = a0 * 2, d1 = a1 * 2;
        ulong h = 0, c = 0;
        P(a0, a0, ref h, ref c); P(d1, a4 * 19, ref h, ref c); P(a2 * 2, a3 * 19, ref h, ref c);
        var l0 = c & Mask51;
        c = h + (c >> 51); h = 0;
        P(d0, a1, ref h, ref c); P(a3, a3 * 19, ref h, ref c); P(a2 * 2, a4 * 19, ref h, ref c);
        var l1 = c & Mask51;
        c = h + (c >> 51); h = 0;
        P(d0, a2, ref h, ref c); P(a1, a1, ref h, ref c); P(a3 * 2, a4 * 19, ref h, ref c);
        var l2 = c & Mask51;
        c = h + (c >> 51); h = 0;
        P(d0, a3, ref h, ref c); P(d1, a2, ref h, ref c); P(a4, a4 * 19, ref h, ref c);
        var l3 = c & Mask51;
        c = h + (c >> 51); h = 0;
        P(d0, a4, ref h, ref c); P(d1, a3, ref h, ref c); P(a2, a2, ref h, ref c);
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
