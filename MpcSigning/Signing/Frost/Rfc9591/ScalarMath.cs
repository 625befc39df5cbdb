using System.Numerics;
using MpcSigning.Interop;

namespace MpcSigning.Signing.Frost;

/// <summary>Scalar field arithmetic mod L (RFC 9591 section 3.1), allocating forms for public values.</summary>
internal static class ScalarMath
{
    public static byte[] Add(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y) { var z = new byte[32]; Sodium.ScalarAdd(z, x, y); return z; }

    public static byte[] Mul(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y) { var z = new byte[32]; Sodium.ScalarMul(z, x, y); return z; }

    public static byte[] Negate(ReadOnlySpan<byte> x) { var z = new byte[32]; Sodium.ScalarNegate(z, x); return z; }

    public static byte[] One() { var z = new byte[32]; z[0] = 1; return z; }

    /// <summary>L as an integer.</summary>
    private static readonly BigInteger Order = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493");

    /// <summary>
    /// n/d mod L for public integers of any sign (Lagrange numerators and denominators); d must not be a multiple
    /// of L. The inverse comes from the extended Euclidean algorithm, whose first step leaves only numbers the size
    /// of d: a few steps for the small denominators of distinct identifiers.
    /// </summary>
    public static byte[] Divide(BigInteger n, BigInteger d)
    {
        var divisor = Reduce(d);
        if (divisor.IsZero) throw new InvalidOperationException("division by zero mod L: identifiers must be distinct");
        BigInteger r0 = Order, r1 = divisor, t0 = BigInteger.Zero, t1 = BigInteger.One;
        while (!r1.IsZero)
        {
            var q = BigInteger.DivRem(r0, r1, out var r2);
            (r0, r1) = (r1, r2);
            (t0, t1) = (t1, t0 - q * t1);
        }
        var quotient = Reduce(Reduce(n) * t0);
        var bytes = new byte[32];
        if (!quotient.TryWriteBytes(bytes, out _, isUnsigned: true)) throw new InvalidOperationException("a scalar below L fits 32 bytes");
        return bytes;
    }

    private static BigInteger Reduce(BigInteger v)
    {
        var r = BigInteger.Remainder(v, Order);
        return r.Sign < 0 ? r + Order : r;
    }
}
