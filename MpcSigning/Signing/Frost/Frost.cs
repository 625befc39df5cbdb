namespace MpcSigning.Signing.Frost;

/// <summary>
/// Contract of the FROST module: RFC 9591 FROST(Ed25519, SHA-512) with a fresh distributed key generation per
/// session. The public face is the wire messages in proto/frost.proto and these types:
/// <list type="bullet">
/// <item><see cref="FrostParticipant"/>: one signer in one session (DKG parts 1-3, Commit, Sign).</item>
/// <item><see cref="FrostAggregator"/>: the coordinator's aggregation and culprit identification.</item>
/// <item><see cref="ThresholdEvidenceJson"/> and <see cref="ThresholdEvidenceVerifier"/>: the bundle's "frost" section.</item>
/// <item><see cref="FrostCeremony"/>: the whole flow in one process, built only from the participant API.</item>
/// </list>
/// Every failure is a <see cref="FrostException"/> carrying a <see cref="FrostError"/> and, when a participant
/// can be blamed, the culprits' identifiers.
/// </summary>
public static class FrostSuite
{
    /// <summary>RFC 9591 section 6.1 contextString, also the ciphersuite name recorded in bundles.</summary>
    public const string Ciphersuite = "FROST-ED25519-SHA512-v1";

    /// <summary>Size of the final signature R || z: an ordinary RFC 8032 signature.</summary>
    public const int SignatureSize = 64;
}

/// <summary>Everything that can go wrong in FROST; the message of the exception says where and how to fix it.</summary>
public enum FrostError
{
    /// <summary>t and n out of range (need 2 &lt;= t &lt;= n), or an identifier is zero.</summary>
    InvalidParameters,
    /// <summary>A call out of order for the participant's state (e.g. Sign before Commit, DKG part 3 before part 2).</summary>
    WrongState,
    /// <summary>An identifier appears twice, or a package names a participant that is not in the session.</summary>
    UnknownOrDuplicateIdentifier,
    /// <summary>Commitments are not sorted by identifier (RFC 9591 section 4.3).</summary>
    UnsortedCommitments,
    /// <summary>A point is malformed, not canonical, the identity, of small order or outside the prime-order subgroup.</summary>
    InvalidElement,
    /// <summary>A scalar is not 32 bytes, or is at or above the group order L (never reduced, RFC 9591 section 3.1).</summary>
    InvalidScalar,
    /// <summary>A scalar that must not be zero (a nonce, a coefficient) is zero.</summary>
    ZeroScalar,
    /// <summary>Fewer signers than the threshold.</summary>
    TooFewSigners,
    /// <summary>The signing package does not carry this signer's own commitments unchanged.</summary>
    OwnCommitmentMismatch,
    /// <summary>A DKG proof of knowledge does not verify; culprits named.</summary>
    InvalidProofOfKnowledge,
    /// <summary>A DKG secret share does not match its sender's commitments; culprits named.</summary>
    InvalidSecretShare,
    /// <summary>A signature share does not verify (RFC 9591 section 5.4); culprits named.</summary>
    InvalidSignatureShare,
    /// <summary>The aggregate failed Ed25519 verification and no single share is to blame.</summary>
    InvalidSignature,
    /// <summary>Threshold evidence is malformed or does not interpolate to the expected public key.</summary>
    InvalidEvidence,
}

/// <summary>A FROST failure. <see cref="Culprits"/> lists the participants to blame, empty when nobody can be.</summary>
public sealed class FrostException : Exception
{
    public FrostException(FrostError error, string message, params IReadOnlyList<uint> culprits)
        : base(message)
    {
        Error = error;
        Culprits = culprits;
    }

    public FrostError Error { get; }

    public IReadOnlyList<uint> Culprits { get; }
}
