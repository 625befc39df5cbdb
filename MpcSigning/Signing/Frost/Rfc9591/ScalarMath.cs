using MpcSigning.Interop;

namespace MpcSigning.Signing.Frost;

/// <summary>Scalar field arithmetic mod L (RFC 9591 section 3.1), allocating forms for public values.</summary>
internal static class ScalarMath
{
    public static byte[] Add(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y) { var z = new byte[32]; Sodium.ScalarAdd(z, x, y); return z; }

    public static byte[] Sub(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y) { var z = new byte[32]; Sodium.ScalarSub(z, x, y); return z; }

    public static byte[] Mul(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y) { var z = new byte[32]; Sodium.ScalarMul(z, x, y); return z; }

    public static byte[] Negate(ReadOnlySpan<byte> x) { var z = new byte[32]; Sodium.ScalarNegate(z, x); return z; }

    /// <summary>1/x mod L; x must be non-zero (distinct identifiers guarantee it for Lagrange denominators).</summary>
    public static byte[] Invert(ReadOnlySpan<byte> x)
    {
        var z = new byte[32];
        if (!Sodium.ScalarInvert(z, x)) throw new InvalidOperationException("inverse of zero: identifiers must be distinct");
        return z;
    }

    public static byte[] One() { var z = new byte[32]; z[0] = 1; return z; }
}
