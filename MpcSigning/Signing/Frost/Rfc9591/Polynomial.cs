using System.Numerics;
using System.Security.Cryptography;
using MpcSigning.Crypto.Edwards25519;
using MpcSigning.Interop;

namespace MpcSigning.Signing.Frost;

/// <summary>RFC 9591 section 4.2 (polynomials) and Appendix C.1 (evaluation).</summary>
internal static class Polynomial
{
    /// <summary>
    /// Section 4.2 derive_interpolating_value, generalized to evaluate at <paramref name="x"/> instead of 0:
    /// the Lagrange basis polynomial of <paramref name="xi"/> over <paramref name="set"/>, i.e. the product over
    /// j != i of (x - x_j) / (x_i - x_j). At x = 0 this is the RFC's product of x_j / (x_j - x_i). The set is
    /// the signing set (not all n), and its identifiers are distinct and non-zero (checked by the callers).
    /// </summary>
    public static byte[] LagrangeCoefficient(IReadOnlyList<uint> set, uint xi, uint x = 0)
    {
        // Identifiers are small integers: the products are exact integers, and one division mod L (an extended
        // Euclid that is short for a small denominator) replaces libsodium's inversion, a 250-step exponentiation.
        var numerator = BigInteger.One;
        var denominator = BigInteger.One;
        var found = false;
        foreach (var xj in set)
        {
            if (xj == xi) { found = true; continue; }
            numerator *= (long)x - xj;
            denominator *= (long)xi - xj;
        }
        if (!found) throw new ArgumentException($"identifier {xi} is not in the interpolation set", nameof(xi));
        return ScalarMath.Divide(numerator, denominator);
    }

    /// <summary>
    /// Appendix C.1 polynomial_evaluate by Horner's rule: f(x) for secret coefficients a_0..a_(t-1), each
    /// 32 bytes in <paramref name="coefficients"/>. The result goes to a caller-owned (guarded) span; the
    /// temporary is wiped.
    /// </summary>
    public static void Evaluate(Span<byte> result, ReadOnlySpan<byte> coefficients, uint x)
    {
        var xs = Group.SerializeIdentifier(x);
        var count = coefficients.Length / Group.ScalarSize;
        Span<byte> acc = stackalloc byte[Group.ScalarSize];
        try
        {
            acc.Clear();
            for (var k = count - 1; k >= 0; k--)
            {
                Sodium.ScalarMul(acc, acc, xs);
                Sodium.ScalarAdd(acc, acc, coefficients.Slice(k * Group.ScalarSize, Group.ScalarSize));
            }
            acc.CopyTo(result);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(acc);
        }
    }

    /// <summary>
    /// The same evaluation "in the exponent" over public commitments A_0..A_(t-1): the sum of x^k * A_k, by
    /// Horner's rule in variable time (x is a public identifier, the points are public). Used for DKG share
    /// checks (frost-core keys/dkg.rs part 3) and verifying shares.
    /// </summary>
    public static PublicPoint EvaluateInExponent(IReadOnlyList<PublicPoint> commitments, uint x)
    {
        var acc = commitments[^1];
        for (var k = commitments.Count - 2; k >= 0; k--)
            acc = PublicPoint.Add(acc.MultiplySmall(x), commitments[k]);
        return acc;
    }
}
