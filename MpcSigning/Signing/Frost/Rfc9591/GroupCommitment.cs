namespace MpcSigning.Signing.Frost;

/// <summary>RFC 9591 section 4.5, group commitment computation (see <see cref="SigningContext.Create"/>).</summary>
internal static class GroupCommitment
{
    /// <summary>compute_group_commitment: R = sum of D_i + rho_i * E_i; public values only.</summary>
    public static byte[] Compute(ReadOnlySpan<byte> groupPublicKey, IReadOnlyList<Commitment> list, ReadOnlySpan<byte> message) =>
        SigningContext.Create(groupPublicKey, list, message).R;
}
