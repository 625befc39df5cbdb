using FsCheck;
using FsCheck.Fluent;
using MpcSigning.Crypto.Edwards25519;
using MpcSigning.Interop;

namespace MpcSigning.Tests.Crypto.Edwards25519;

/// <summary>
/// The point-halving subgroup test (<see cref="PublicPoint.TryDecodeValidated"/>) against libsodium's
/// crypto_core_ed25519_is_valid_point and against the definition [L]P = O, on valid points, on every coset of
/// the torsion subgroup, on random curve points, on random bytes and on non-canonical encodings.
/// </summary>
public class PublicPointHalvingTests
{
    /// <summary>The definition: on the curve, canonical, not the identity, and [L]P = O.</summary>
    private static bool Oracle(byte[] encoding) =>
        PublicPoint.TryDecode(encoding, out var p) && !p.IsIdentity && p.IsInPrimeOrderSubgroup;

    [FsCheck.NUnit.Property(MaxTest = 40)]
    public bool EveryTorsionCoset_ValidExactlyForTheTrivialOne(NonEmptyArray<byte> seed)
    {
        var prime = Libsodium25519.BaseMult(Libsodium25519.Scalar(seed.Get));
        for (var k = 0; k < 8; k++)
        {
            var mixed = Libsodium25519.Add(prime, Libsodium25519.SmallOrder(k));
            var halving = PublicPoint.TryDecodeValidated(mixed, out _);
            if (halving != (k == 0) || halving != Sodium.IsValidPoint(mixed) || halving != Oracle(mixed)) return false;
        }
        return true;
    }

    /// <summary>
    /// Random y coordinates that decode: a random curve point has a random torsion component, so the cosets and
    /// both branches of the halving (u square or not) all occur.
    /// </summary>
    [FsCheck.NUnit.Property(MaxTest = 400)]
    public Property RandomCurvePoints_AgreeWithLibsodiumAndTheDefinition() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            var random = new Random(seed);
            var bytes = new byte[32];
            do random.NextBytes(bytes); while (!PublicPoint.TryDecode(bytes, out _));
            var halving = PublicPoint.TryDecodeValidated(bytes, out _);
            return halving == Sodium.IsValidPoint(bytes) && halving == Oracle(bytes);
        });

    [FsCheck.NUnit.Property(MaxTest = 500)]
    public bool RandomBytes_AgreeWithLibsodium(byte[] bytes)
    {
        var b = new byte[32];
        bytes.AsSpan(0, Math.Min(32, bytes.Length)).CopyTo(b);
        return PublicPoint.TryDecodeValidated(b, out _) == Sodium.IsValidPoint(b);
    }

    [Test]
    public void RandomCurvePoints_HitEveryCoset()
    {
        // The property above is only as strong as its sample: count the torsion components it meets.
        var seen = new HashSet<int>();
        var random = new Random(1);
        var bytes = new byte[32];
        for (var i = 0; i < 200 && seen.Count < 8; i++)
        {
            do random.NextBytes(bytes); while (!PublicPoint.TryDecode(bytes, out _));
            PublicPoint.TryDecode(bytes, out var p);
            var multiple = p.Multiply(Order);
            seen.Add(Enumerable.Range(0, 8).First(k => multiple.Encode().SequenceEqual(LTimesSmallOrder(k))));
        }
        Assert.That(seen, Has.Count.EqualTo(8));
    }

    [Test]
    public void NonCanonicalEncodings_AreRejected()
    {
        var p = new System.Numerics.BigInteger(Enumerable.Repeat((byte)0xff, 32).ToArray(), isUnsigned: true) / 2 - 18;
        for (var k = 0; k < 19; k++)
        {
            foreach (var sign in new byte[] { 0, 0x80 })
            {
                var bytes = (p + k).ToByteArray(isUnsigned: true);
                bytes[31] |= sign;
                Assert.That(PublicPoint.TryDecodeValidated(bytes, out _), Is.False, $"y = p + {k}, sign {sign}");
                Assert.That(Sodium.IsValidPoint(bytes), Is.False);
            }
        }
        foreach (var y in new[] { Libsodium25519.Identity(), Libsodium25519.SmallOrder(4) })
        {
            var negativeZero = (byte[])y.Clone();
            negativeZero[31] |= 0x80;
            Assert.That(PublicPoint.TryDecodeValidated(negativeZero, out _), Is.False);
            Assert.That(Sodium.IsValidPoint(negativeZero), Is.False);
        }
    }

    [Test]
    public void SmallOrderPointsAndBase_MatchLibsodium()
    {
        for (var k = 0; k < 8; k++)
            Assert.That(PublicPoint.TryDecodeValidated(Libsodium25519.SmallOrder(k), out _), Is.False, $"T_{k}");
        Assert.That(PublicPoint.TryDecodeValidated(PublicPoint.Base.Encode(), out _), Is.True);
    }

    private static readonly byte[] Order = Libsodium25519.L.ToByteArray(isUnsigned: true).Concat(new byte[32]).Take(32).ToArray();

    /// <summary>[L]T_k for the small-order point T_k: [L mod 8]T_k = [5]T_k, again a small-order point.</summary>
    private static byte[] LTimesSmallOrder(int k) => Libsodium25519.SmallOrder(5 * k);
}
