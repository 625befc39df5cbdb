using System.Runtime.CompilerServices;

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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static UInt128 M(ulong a, ulong b)
    {
        var hi = Math.BigMul(a, b, out var lo);
        return new UInt128(hi, lo);
    }

    public static FieldElement Mul(in FieldElement a, in FieldElement b)
    {
        ulong b1 = b.L1 * 19, b2 = b.L2 * 19, b3 = b.L3 * 19, b4 = b.L4 * 19;
        var r0 = M(a.L0, b.L0) + M(a.L1, b4) + M(a.L2, b3) + M(a.L3, b2) + M(a.L4, b1);
        var r1 = M(a.L0, b.L1) + M(a.L1, b.L0) + M(a.L2, b4) + M(a.L3, b3) + M(a.L4, b2);
        var r2 = M(a.L0, b.L2) + M(a.L1, b.L1) + M(a.L2, b.L0) + M(a.L3, b4) + M(a.L4, b3);
        var r3 = M(a.L0, b.L3) + M(a.L1, b.L2) + M(a.L2, b.L1) + M(a.L3, b.L0) + M(a.L4, b4);
        var r4 = M(a.L0, b.L4) + M(a.L1, b.L3) + M(a.L2, b.L2) + M(a.L3, b.L1) + M(a.L4, b.L0);
        return Reduce(r0, r1, r2, r3, r4);
    }

    public static FieldElement Square(in FieldElement a)
    {
        ulong d0 = a.L0 * 2, d1 = a.L1 * 2, a3x19 = a.L3 * 19, a4x19 = a.L4 * 19;
        var r0 = M(a.L0, a.L0) + M(d1, a4x19) + M(a.L2 * 2, a3x19);
        var r1 = M(d0, a.L1) + M(a.L3, a3x19) + M(a.L2 * 2, a4x19);
        var r2 = M(d0, a.L2) + M(a.L1, a.L1) + M(a.L3 * 2, a4x19);
        var r3 = M(d0, a.L3) + M(d1, a.L2) + M(a.L4, a4x19);
        var r4 = M(d0, a.L4) + M(d1, a.L3) + M(a.L2, a.L2);
        return Reduce(r0, r1, r2, r3, r4);
    }

    /// <summary>a^(2^n), n at least 1.</summary>
    public static FieldElement SquareTimes(in FieldElement a, int n)
    {
        var r = Square(a);
        for (var i = 1; i < n; i++) r = Square(r);
        return r;
    }

    /// <summary>
    /// Carries 128-bit column sums into limbs. r4 has no *19 terms, so with inputs below 2^54 it is below
    /// 2^110.4 and its carry times 19 still fits 64 bits next to l0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static FieldElement Reduce(UInt128 r0, UInt128 r1, UInt128 r2, UInt128 r3, UInt128 r4)
    {
        r1 += (ulong)(r0 >> 51);
        var l0 = (ulong)r0 & Mask51;
        r2 += (ulong)(r1 >> 51);
        var l1 = (ulong)r1 & Mask51;
        r3 += (ulong)(r2 >> 51);
        var l2 = (ulong)r2 & Mask51;
        r4 += (ulong)(r3 >> 51);
        var l3 = (ulong)r3 & Mask51;
        var carry = (ulong)(r4 >> 51);
        var l4 = (ulong)r4 & Mask51;
        l0 += carry * 19;
        l1 += l0 >> 51;
        l0 &= Mask51;
        return new FieldElement(l0, l1, l2, l3, l4);
    }
}
