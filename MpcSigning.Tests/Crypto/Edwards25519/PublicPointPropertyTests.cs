using FsCheck;
using FsCheck.Fluent;
using MpcSigning.Crypto.Edwards25519;
using MpcSigning.Interop;

namespace MpcSigning.Tests.Crypto.Edwards25519;

/// <summary>The managed variable-time arithmetic agrees with libsodium on random scalars and points.</summary>
public class PublicPointPropertyTests
{
    private static PublicPoint Decoded(byte[] encoding)
    {
        Assert.That(PublicPoint.TryDecodeValidated(encoding, out var p), "a libsodium point must decode");
        return p;
    }

    [FsCheck.NUnit.Property(MaxTest = 100)]
    public bool DecodeEncode_RandomPrimeOrderPoint_RoundTripsAndIsValid(NonEmptyArray<byte> seed)
    {
        var p = Libsodium25519.BaseMult(Libsodium25519.Scalar(seed.Get));
        return PublicPoint.TryDecodeValidated(p, out var decoded) && decoded.Encode().SequenceEqual(p);
    }

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public bool DecodeValidated_RandomBytes_AgreesWithLibsodiumIsValidPoint(byte[] bytes)
    {
        var b = new byte[32];
        bytes.AsSpan(0, Math.Min(32, bytes.Length)).CopyTo(b);
        return PublicPoint.TryDecodeValidated(b, out _) == Sodium.IsValidPoint(b);
    }

    [FsCheck.NUnit.Property(MaxTest = 60)]
    public bool DecodeValidated_PointPlusSmallOrderComponent_AcceptedExactlyWhenLibsodiumAccepts(NonEmptyArray<byte> seed, byte k)
    {
        var mixed = Libsodium25519.Add(Libsodium25519.BaseMult(Libsodium25519.Scalar(seed.Get)), Libsodium25519.SmallOrder(k));
        var onCurve = PublicPoint.TryDecode(mixed, out var decoded);
        var valid = PublicPoint.TryDecodeValidated(mixed, out _);
        return onCurve && decoded.Encode().SequenceEqual(mixed) && valid == Sodium.IsValidPoint(mixed) && valid == ((k & 7) == 0);
    }

    [FsCheck.NUnit.Property(MaxTest = 100)]
    public bool AddSub_RandomPoints_EqualLibsodium(NonEmptyArray<byte> a, NonEmptyArray<byte> b)
    {
        var p = Libsodium25519.BaseMult(Libsodium25519.Scalar(a.Get));
        var q = Libsodium25519.BaseMult(Libsodium25519.Scalar(b.Get));
        var sum = new byte[32];
        var difference = new byte[32];
        Sodium.PointAdd(sum, p, q);
        Sodium.PointSub(difference, p, q);
        return PublicPoint.Add(Decoded(p), Decoded(q)).Encode().SequenceEqual(sum)
            && PublicPoint.Sub(Decoded(p), Decoded(q)).Encode().SequenceEqual(difference)
            && PublicPoint.Add(Decoded(p), Decoded(p)).Encode().SequenceEqual(PublicPoint.Double(Decoded(p)).Encode());
    }

    [FsCheck.NUnit.Property(MaxTest = 60)]
    public bool Multiply_RandomScalarAndPoint_EqualsLibsodiumScalarMult(NonEmptyArray<byte> a, NonEmptyArray<byte> b)
    {
        var s = Libsodium25519.Scalar(a.Get);
        var p = Libsodium25519.BaseMult(Libsodium25519.Scalar(b.Get));
        var expected = new byte[32];
        Assert.That(Sodium.ScalarMult(expected, s, p));
        return Decoded(p).Multiply(s).Encode().SequenceEqual(expected)
            && PublicPoint.MultiplyBase(s).Encode().SequenceEqual(Libsodium25519.BaseMult(s));
    }

    [FsCheck.NUnit.Property(MaxTest = 40)]
    public Property MultiScalarMultiply_RandomTerms_EqualsSumOfLibsodiumProducts() =>
        Prop.ForAll(Gen.Choose(0, 6).ToArbitrary(), ArbMap.Default.ArbFor<int>(), ArbMap.Default.ArbFor<bool>(), (count, seed, withBase) =>
        {
            var scalars = Enumerable.Range(0, count).Select(i => Libsodium25519.Scalar(BitConverter.GetBytes(seed * 31 + i))).ToList();
            var points = Enumerable.Range(0, count).Select(i => Libsodium25519.BaseMult(Libsodium25519.Scalar(BitConverter.GetBytes(~seed - i)))).ToList();
            var b = withBase ? Libsodium25519.Scalar(BitConverter.GetBytes(seed ^ 0x5a5a)) : [];
            var expected = Libsodium25519.Identity();
            for (var i = 0; i < count; i++)
            {
                var product = new byte[32];
                Assert.That(Sodium.ScalarMult(product, scalars[i], points[i]));
                expected = Libsodium25519.Add(expected, product);
            }
            if (withBase) expected = Libsodium25519.Add(expected, Libsodium25519.BaseMult(b));
            var actual = PublicPoint.MultiScalarMultiply(b, scalars, points.Select(Decoded).ToList());
            // Adding B afterwards reads every coordinate of the result, T included.
            var plusBase = PublicPoint.Add(actual, PublicPoint.Base).Encode();
            return actual.Encode().SequenceEqual(expected) && plusBase.SequenceEqual(Libsodium25519.Add(expected, PublicPoint.Base.Encode()));
        });

    [FsCheck.NUnit.Property(MaxTest = 40)]
    public Property EncodeAll_ProjectivePoints_EqualsEncodingEach() =>
        Prop.ForAll(Gen.Choose(0, 7).ToArbitrary(), ArbMap.Default.ArbFor<int>(), (count, seed) =>
        {
            // Sums of two points: Z is not 1, so the shared inversion is really exercised.
            var points = Enumerable.Range(0, count).Select(i => PublicPoint.Add(
                Decoded(Libsodium25519.BaseMult(Libsodium25519.Scalar(BitConverter.GetBytes(seed + 2 * i)))),
                Decoded(Libsodium25519.BaseMult(Libsodium25519.Scalar(BitConverter.GetBytes(seed - 2 * i - 1)))))).ToList();
            var together = PublicPoint.EncodeAll(points);
            return together.Length == count && points.Select((p, i) => p.Encode().SequenceEqual(together[i])).All(ok => ok);
        });

    [FsCheck.NUnit.Property(MaxTest = 200)]
    public bool Naf_RandomScalar_SumsBackWithSparseOddDigits(NonEmptyArray<byte> seed, bool wide)
    {
        var s = Libsodium25519.Scalar(seed.Get);
        var width = wide ? 8 : 5;
        var naf = PublicPoint.Naf(s, width);
        var value = System.Numerics.BigInteger.Zero;
        for (var i = naf.Length - 1; i >= 0; i--) value = value * 2 + naf[i];
        var sparse = naf.Select((d, i) => (d, i)).Where(x => x.d != 0)
            .Zip(naf.Select((d, i) => (d, i)).Where(x => x.d != 0).Skip(1), (x, y) => y.i - x.i >= width).All(ok => ok);
        var odd = naf.All(d => d == 0 || (Math.Abs((int)d) % 2 == 1 && Math.Abs((int)d) < 1 << (width - 1)));
        return value == new System.Numerics.BigInteger(s, isUnsigned: true) && sparse && odd;
    }
}
