namespace MpcSigning.Signing.Frost;

/// <summary>RFC 9591 section 4.6, signature challenge computation.</summary>
internal static class Challenge
{
    /// <summary>compute_challenge: c = H2(R || PK || msg), exactly RFC 8032's challenge for Ed25519.</summary>
    public static byte[] Compute(ReadOnlySpan<byte> groupCommitment, ReadOnlySpan<byte> groupPublicKey, ReadOnlySpan<byte> message) =>
        CiphersuiteHashes.H2(groupCommitment, groupPublicKey, message);
}
