using MpcSigning.Crypto.Edwards25519;
using MpcSigning.Interop;

namespace MpcSigning.Tests.Crypto.Edwards25519;

/// <summary>Fixed cases: the small-order points, non-canonical encodings and the RFC 8032 base point.</summary>
public class PublicPointTests
{
    [Test]
    public void Base_Encoding_IsTheRfc8032BasePoint()
    {
        var one = new byte[32];
        one[0] = 1;
        Assert.That(PublicPoint.Base.Encode(), Is.EqualTo(Libsodium25519.BaseMult(one)));
    }

    [Test]
    public void DecodeValidated_EverySmallOrderPoint_IsRejectedLikeLibsodium()
    {
        for (var k = 0; k < 8; k++)
        {
            var t = Libsodium25519.SmallOrder(k);
            Assert.That(PublicPoint.TryDecode(t, out var decoded), $"T_{k} is on the curve");
            Assert.That(decoded.Encode(), Is.EqualTo(t));
            Assert.That(PublicPoint.TryDecodeValidated(t, out _), Is.False, $"T_{k}");
            Assert.That(Sodium.IsValidPoint(t), Is.False, $"libsodium T_{k}");
        }
    }

    /// <summary>y = p + k for k in 0..18, with either sign bit: never canonical, whatever libsodium's reason.</summary>
    [Test]
    public void Decode_YAtOrAbovePrime_IsRejected()
    {
        for (var k = 0; k < 19; k++)
        {
            foreach (var sign in new byte[] { 0, 0x80 })
            {
                var y = new System.Numerics.BigInteger(Enumerable.Repeat((byte)0xff, 32).ToArray(), isUnsigned: true) >> 1;
                var bytes = (y - 18 + k).ToByteArray(isUnsigned: true); // p = 2^255 - 19 = (2^255 - 1) - 18
                bytes[31] |= sign;
                Assert.That(PublicPoint.TryDecode(bytes, out _), Is.False, $"p + {k}, sign {sign}");
                Assert.That(Sodium.IsValidPoint(bytes), Is.False);
            }
        }
    }

    [Test]
    public void Decode_ZeroXWithSignBit_IsRejected()
    {
        var negativeZero = Libsodium25519.Identity();
        negativeZero[31] |= 0x80;
        Assert.That(PublicPoint.TryDecode(negativeZero, out _), Is.False);
    }

    [Test]
    public void Multiply_ByOrder_IsIdentityOnlyInsideTheSubgroup()
    {
        var p = PublicPoint.Base.Multiply(Libsodium25519.Scalar([7]));
        Assert.That(p.IsInPrimeOrderSubgroup, Is.True);
        Assert.That(PublicPoint.TryDecode(Libsodium25519.SmallOrder(4), out var t2), Is.True);
        Assert.That(PublicPoint.Add(p, t2).IsInPrimeOrderSubgroup, Is.False);
    }
}
