using System.Numerics;
using MpcSigning.Crypto;
using MpcSigning.Interop;

namespace MpcSigning.Tests.Crypto.Edwards25519;

/// <summary>
/// The reference the managed arithmetic is tested against: libsodium only. Scalars come from seeds through
/// SHA-512 and reduction, points from scalars, and the small-order points from [L]Q for a curve point Q
/// outside the subgroup, computed with libsodium's point addition (which decodes any curve point).
/// </summary>
internal static class Libsodium25519
{
    public static readonly BigInteger L = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493");

    private static readonly Lazy<byte[][]> Torsion = new(FindTorsion);

    public static byte[] Identity() { var p = new byte[32]; p[0] = 1; return p; }

    public static byte[] Scalar(byte[] seed)
    {
        var wide = Hashes.Sha512(seed);
        var s = new byte[32];
        Sodium.ScalarReduce(s, wide);
        if (s.All(b => b == 0)) s[0] = 1;
        return s;
    }

    public static byte[] BaseMult(byte[] scalar) { var q = new byte[32]; Assert.That(Sodium.ScalarMultBase(q, scalar)); return q; }

    public static byte[] Add(byte[] p, byte[] q) { var r = new byte[32]; Assert.That(Sodium.PointAdd(r, p, q)); return r; }

    /// <summary>The eight points of order dividing 8, T_k = [k]T_1 for k = 0..7 (T_0 the identity).</summary>
    public static byte[] SmallOrder(int k) => Torsion.Value[k & 7];

    /// <summary>[k]P by double-and-add on libsodium's addition (no subgroup check), for points of any order.</summary>
    public static byte[] Multiply(BigInteger k, byte[] p)
    {
        var acc = Identity();
        for (var bit = (int)k.GetBitLength() - 1; bit >= 0; bit--)
        {
            acc = Add(acc, acc);
            if (!(k >> bit).IsEven) acc = Add(acc, p);
        }
        return acc;
    }

    private static byte[][] FindTorsion()
    {
        var seed = 0;
        while (true)
        {
            var candidate = Scalar(BitConverter.GetBytes(seed++));
            var probe = new byte[32];
            if (!Sodium.PointAdd(probe, candidate, Identity())) continue; // not on the curve
            var t = Multiply(L, candidate);
            var four = Multiply(4, t);
            if (four.SequenceEqual(Identity())) continue; // order below 8: try another point
            var all = new byte[8][];
            all[0] = Identity();
            for (var k = 1; k < 8; k++) all[k] = Add(all[k - 1], t);
            return all;
        }
    }
}
