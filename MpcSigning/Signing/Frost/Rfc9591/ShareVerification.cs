using MpcSigning.Crypto.Edwards25519;

namespace MpcSigning.Signing.Frost;

/// <summary>RFC 9591 section 5.4, identifiable abort: signature share verification.</summary>
internal static class ShareVerification
{
    /// <summary>
    /// verify_signature_share: z_i * B == (D_i + rho_i * E_i) + (c * lambda_i) * PK_i. Public values only (z_i
    /// is a published share), so variable time. <paramref name="share"/> is already known to be a canonical
    /// scalar and <paramref name="verifyingShare"/> a validated element.
    /// </summary>
    public static bool Verify(uint identifier, ReadOnlySpan<byte> verifyingShare, ReadOnlySpan<byte> share, SigningContext context)
    {
        var index = context.IndexOf(identifier);
        if (index < 0 || Group.IsZero(share)) return false;
        var lambda = Polynomial.LagrangeCoefficient(context.Participants, identifier);
        if (!PublicPoint.TryDecode(verifyingShare, out var pk)) return false;
        var left = PublicPoint.MultiplyBase(share);
        var right = PublicPoint.Add(context.CommitmentShare(index), pk.Multiply(ScalarMath.Mul(context.C, lambda)));
        return left.PointEquals(right);
    }
}
