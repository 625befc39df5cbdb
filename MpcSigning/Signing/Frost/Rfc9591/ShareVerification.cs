namespace MpcSigning.Signing.Frost;

/// <summary>RFC 9591 section 5.4, identifiable abort: signature share verification.</summary>
internal static class ShareVerification
{
    /// <summary>
    /// verify_signature_share: z_i * B == (D_i + rho_i * E_i) + (c * lambda_i) * PK_i. Public values only.
    /// <paramref name="share"/> is already known to be a canonical scalar.
    /// </summary>
    public static bool Verify(uint identifier, ReadOnlySpan<byte> verifyingShare, ReadOnlySpan<byte> share, SigningContext context)
    {
        var index = context.IndexOf(identifier);
        if (index < 0 || Group.IsZero(share)) return false;
        var lambda = Polynomial.LagrangeCoefficient(context.Participants, identifier);
        var left = Group.ScalarBaseMult(share, "signature share");
        var right = Group.Add(context.CommitmentShares[index],
            Group.ScalarMult(ScalarMath.Mul(context.C, lambda), verifyingShare, "challenge times verifying share"));
        return Group.ElementEquals(left, right);
    }
}
