using System.Security.Cryptography;
using MpcSigning.Crypto;
using MpcSigning.Interop;

namespace MpcSigning.Signing.Frost;

/// <summary>RFC 9591 section 5.2, round two: signature share generation.</summary>
internal static class RoundTwoSignatureShare
{
    /// <summary>
    /// sign(identifier, sk_i, group_public_key, nonce_i, msg, commitment_list):
    /// z_i = d_i + e_i * rho_i + lambda_i * sk_i * c, with lambda_i over the signing set (section 4.2).
    /// Secret temporaries live on the stack and are wiped; the nonces are the caller's to dispose.
    /// </summary>
    public static byte[] Sign(uint identifier, SecretBytes share, SecretBytes nonces, SigningContext context)
    {
        var index = context.IndexOf(identifier);
        var lambda = Polynomial.LagrangeCoefficient(context.Participants, identifier);
        var lambdaC = ScalarMath.Mul(lambda, context.C);
        Span<byte> t = stackalloc byte[Group.ScalarSize];
        Span<byte> z = stackalloc byte[Group.ScalarSize];
        try
        {
            var n = nonces.ReadOnlySpan;
            Sodium.ScalarMul(t, n[32..], context.Rho[index]);
            Sodium.ScalarAdd(z, n[..32], t);
            Sodium.ScalarMul(t, share.ReadOnlySpan, lambdaC);
            Sodium.ScalarAdd(z, z, t);
            return z.ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(t);
            CryptographicOperations.ZeroMemory(z);
        }
    }
}
