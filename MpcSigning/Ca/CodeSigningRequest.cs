using MpcSigning.Interop;

namespace MpcSigning.Ca;

/// <summary>Role names as written in certificates and in the in-toto predicate.</summary>
public static class ApproverRoles
{
    public const string Engineer = "engineer";
    public const string Steward = "steward";

    public static bool IsKnown(string role) => role is Engineer or Steward;
}

/// <summary>The trust policy a certificate was issued under and the approvals the CA checked against it (extension .5).</summary>
public sealed record PolicyBinding(uint Version, byte[] PolicyDigest, byte[] ApprovalsDigest);

/// <summary>What the coordinator asks the CA to certify for one session (proto: <c>CertifySessionKey</c>).</summary>
public sealed record CodeSigningRequest
{
    /// <summary>The cap on certificate lifetime: a session key is used once, within minutes.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(10);

    public const int SessionIdSize = 16;
    public const int ArtifactDigestSize = 32;
    public const int EnclaveMeasurementSize = 48;

    /// <summary>The FROST group public key: a 32-byte RFC 8032 Ed25519 public key.</summary>
    public required byte[] Ed25519PublicKey { get; init; }
    /// <summary>The session's random 128-bit id.</summary>
    public required byte[] SessionId { get; init; }
    /// <summary>SHA-256 of the artifact being signed.</summary>
    public required byte[] ArtifactDigest { get; init; }
    /// <summary>Who approved, with the role each approved as (<see cref="ApproverRoles"/>).</summary>
    public required IReadOnlyList<(string Email, string Role)> Approvers { get; init; }
    /// <summary>The signers' SEV-SNP MEASUREMENT (48 bytes).</summary>
    public required byte[] EnclaveMeasurement { get; init; }
    /// <summary>The trust policy binding, when the CA checked the approvals against a policy; null otherwise.</summary>
    public PolicyBinding? Policy { get; init; }
    /// <summary>How long the certificate is valid; positive and at most <see cref="MaxLifetime"/>.</summary>
    public TimeSpan Lifetime { get; init; } = MaxLifetime;

    /// <summary>Throws <see cref="CaException"/> naming the first field that is wrong.</summary>
    public void Validate()
    {
        if (Ed25519PublicKey is not { Length: Crypto.Ed25519.PublicKeySize } || !Sodium.IsValidPoint(Ed25519PublicKey))
            throw new CaException(CaErrorCode.InvalidPublicKey,
                $"session public key must be a 32-byte Ed25519 point of prime order; got {Ed25519PublicKey?.Length ?? 0} bytes that are not.");
        if (SessionId is not { Length: SessionIdSize })
            throw new CaException(CaErrorCode.InvalidSessionId, $"session id must be {SessionIdSize} bytes; got {SessionId?.Length ?? 0}.");
        if (ArtifactDigest is not { Length: ArtifactDigestSize })
            throw new CaException(CaErrorCode.InvalidArtifactDigest, $"artifact digest must be a {ArtifactDigestSize}-byte SHA-256; got {ArtifactDigest?.Length ?? 0} bytes.");
        if (EnclaveMeasurement is not { Length: EnclaveMeasurementSize })
            throw new CaException(CaErrorCode.InvalidEnclaveMeasurement,
                $"enclave measurement must be the {EnclaveMeasurementSize}-byte SEV-SNP MEASUREMENT; got {EnclaveMeasurement?.Length ?? 0} bytes.");
        if (Lifetime <= TimeSpan.Zero || Lifetime > MaxLifetime)
            throw new CaException(CaErrorCode.InvalidLifetime, $"certificate lifetime {Lifetime} must be positive and at most {MaxLifetime}.");
        ValidateApprovers(Approvers);
    }

    private static void ValidateApprovers(IReadOnlyList<(string Email, string Role)>? approvers)
    {
        if (approvers is not { Count: > 0 })
            throw new CaException(CaErrorCode.InvalidApprovers, "approver list is empty; a certificate needs the quorum that approved it.");
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < approvers.Count; i++)
        {
            var (email, role) = approvers[i];
            if (string.IsNullOrWhiteSpace(email) || email.Any(char.IsControl))
                throw new CaException(CaErrorCode.InvalidApprovers, $"approver #{i} has an empty or control-character email.");
            if (!ApproverRoles.IsKnown(role))
                throw new CaException(CaErrorCode.InvalidApprovers,
                    $"approver '{email}' has role '{role}'; expected '{ApproverRoles.Engineer}' or '{ApproverRoles.Steward}'.");
            if (!seen.Add(email))
                throw new CaException(CaErrorCode.InvalidApprovers, $"approver '{email}' appears twice; approvers must be distinct people.");
        }
    }
}
