using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using MpcSigning.Crypto.Edwards25519;

namespace MpcSigning.Tests.Crypto.Edwards25519;

/// <summary>
/// The field arithmetic against exact integers (BigInteger mod p) on random limbs up to the documented input bound
/// (2^53, what one addition of two reduced values can reach), mixed with edge values: 0, 1, p - 1, p, 2^255 - 1,
/// limbs at 2^51 - 1, 2^51 + 2^13 and 2^53 - 1.
/// </summary>
public class FieldElementPropertyTests
{
    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;
    private const ulong Mask53 = (1UL << 53) - 1;

    private static readonly ulong[] EdgeLimbs =
    [
        0, 1, 19, (1UL << 51) - 19, (1UL << 51) - 20, (1UL << 51) - 1, 1UL << 51, (1UL << 51) + (1UL << 13), (1UL << 52) - 1, 1UL << 52, Mask53,
    ];

    /// <summary>Whole elements with special values: 0, 1, p - 1, p, p + 1, 2^255 - 1 (non-canonical) and all limbs at 2^53 - 1.</summary>
    private static readonly BigInteger[] EdgeValues =
    [
        0, 1, 2, P - 1, P, P + 1, P + 18, BigInteger.Pow(2, 255) - 1, BigInteger.Pow(2, 254),
    ];

    private static Gen<ulong> Limb =>
        Gen.OneOf(
            Gen.Elements(EdgeLimbs),
            ArbMap.Default.GeneratorFor<ulong>().Select(x => x & Mask53),
            ArbMap.Default.GeneratorFor<ulong>().Select(x => x & ((1UL << 51) - 1)));

    private static Gen<FieldElement> Element =>
        Gen.OneOf(
            Gen.Elements(EdgeValues).Select(FromInteger),
            Gen.Constant(new FieldElement(Mask53, Mask53, Mask53, Mask53, Mask53)),
            Limb.ArrayOf(5).Select(l => new FieldElement(l[0], l[1], l[2], l[3], l[4])));

    private static FieldElement FromInteger(BigInteger v)
    {
        var bytes = new byte[32];
        Assert.That(v.TryWriteBytes(bytes, out _, isUnsigned: true));
        return FieldElement.FromBytes(bytes);
    }

    private static BigInteger Value(FieldElement a) =>
        new BigInteger(a.L0) + (new BigInteger(a.L1) << 51) + (new BigInteger(a.L2) << 102) + (new BigInteger(a.L3) << 153) + (new BigInteger(a.L4) << 204);

    private static byte[] Encoding(BigInteger v)
    {
        var bytes = new byte[32];
        Assert.That((v % P).TryWriteBytes(bytes, out _, isUnsigned: true));
        return bytes;
    }

    private static byte[] ToBytes(FieldElement a)
    {
        var s = new byte[32];
        a.ToBytes(s);
        return s;
    }

    /// <summary>The documented output bound of Mul and Square: every limb below 2^51 + 2^13, so that sums stay inputs.</summary>
    private static bool Loose(FieldElement r) =>
        new[] { r.L0, r.L1, r.L2, r.L3, r.L4 }.All(l => l < (1UL << 51) + (1UL << 13));

    [FsCheck.NUnit.Property(MaxTest = 2000)]
    public Property Mul_LimbsUpTo2To53_EqualsIntegerProductModP() =>
        Prop.ForAll(Element.ToArbitrary(), Element.ToArbitrary(), (a, b) =>
        {
            var r = FieldElement.Mul(a, b);
            return Loose(r) && ToBytes(r).SequenceEqual(Encoding(Value(a) * Value(b)));
        });

    [FsCheck.NUnit.Property(MaxTest = 2000)]
    public Property Square_LimbsUpTo2To53_EqualsIntegerSquareModPAndMul() =>
        Prop.ForAll(Element.ToArbitrary(), a =>
        {
            var r = FieldElement.Square(a);
            return Loose(r) && ToBytes(r).SequenceEqual(Encoding(Value(a) * Value(a))) && ToBytes(r).SequenceEqual(ToBytes(FieldElement.Mul(a, a)));
        });

    /// <summary>Sums of two products (the largest inputs the point formulas feed back in) multiplied again.</summary>
    [FsCheck.NUnit.Property(MaxTest = 1000)]
    public Property Mul_OfSumsOfProducts_EqualsIntegerArithmetic() =>
        Prop.ForAll(Element.ToArbitrary(), Element.ToArbitrary(), Element.ToArbitrary(), (a, b, c) =>
        {
            var x = FieldElement.Add(FieldElement.Mul(a, b), FieldElement.Square(c));
            var y = FieldElement.Add(FieldElement.Mul(b, c), FieldElement.Sub(a, b));
            var expected = (Value(a) * Value(b) + Value(c) * Value(c)) * (Value(b) * Value(c) + Value(a) - Value(b));
            return ToBytes(FieldElement.Mul(x, y)).SequenceEqual(Encoding(((expected % P) + P) % P))
                && ToBytes(FieldElement.Square(x)).SequenceEqual(Encoding(Value(x) * Value(x)));
        });

    /// <summary>SubForMul on reduced operands (results of Mul and Sub, and 0, p - 1, p) then multiplied, against integers.</summary>
    [FsCheck.NUnit.Property(MaxTest = 1000)]
    public Property SubForMul_ReducedOperands_MultipliesToIntegerDifference() =>
        Prop.ForAll(Element.ToArbitrary(), Element.ToArbitrary(), Element.ToArbitrary(), (a, b, c) =>
        {
            var ra = FieldElement.Mul(a, FieldElement.One);
            var rb = FieldElement.Sub(b, FieldElement.Zero);
            var difference = FieldElement.SubForMul(ra, rb);
            var expected = ((Value(a) - Value(b)) * Value(c) % P + P) % P;
            return ToBytes(FieldElement.Mul(difference, c)).SequenceEqual(Encoding(expected))
                && ToBytes(FieldElement.Square(difference)).SequenceEqual(Encoding(BigInteger.Pow(Value(a) - Value(b), 2)));
        });

    /// <summary>Long chains of squarings and multiplications (inversion, the square-root exponent) against BigInteger.ModPow.</summary>
    [FsCheck.NUnit.Property(MaxTest = 100)]
    public Property InvertAndPow22523_EqualModPow() =>
        Prop.ForAll(Element.ToArbitrary(), a =>
        {
            var v = Value(a) % P;
            var inverse = ToBytes(FieldElement.Invert(a)).SequenceEqual(Encoding(BigInteger.ModPow(v, P - 2, P)));
            var pow = ToBytes(FieldElement.Pow22523(a)).SequenceEqual(Encoding(BigInteger.ModPow(v, (P - 5) / 8, P)));
            return inverse && pow;
        });

    /// <summary>Encoding reduces: 0, 1, p - 1 stay, p and above (non-canonical 255-bit strings) wrap around.</summary>
    [Test]
    public void ToBytes_EdgeValues_AreReducedModP()
    {
        foreach (var v in EdgeValues)
        {
            Assert.That(ToBytes(FromInteger(v)), Is.EqualTo(Encoding(v)), $"value {v}");
            var bytes = new byte[32];
            Assert.That(v.TryWriteBytes(bytes, out _, isUnsigned: true));
            Assert.That(FieldElement.IsCanonical(bytes), Is.EqualTo(v < P), $"canonical {v}");
        }
        var top = new FieldElement(Mask53, Mask53, Mask53, Mask53, Mask53);
        Assert.That(ToBytes(top), Is.EqualTo(Encoding(Value(top))));
    }
}
