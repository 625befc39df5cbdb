namespace MpcSigning.Bundle.InToto;

/// <summary>The quorum the policy required when the session ran.</summary>
public sealed record QuorumPolicy(int RequiredEngineers, int RequiredStewards);

/// <summary>One approver as named in the predicate; <see cref="Role"/> is "engineer" or "steward".</summary>
public sealed record PredicateApprover(string Name, string Email, string Role);

/// <summary>
/// mpcsign's predicate, type <see cref="Type"/>. JSON:
/// <code>
/// { "sessionId": "&lt;32 lowercase hex&gt;",
///   "artifactDigest": { "sha256": "&lt;64 lowercase hex&gt;" },
///   "policy": { "requiredEngineers": N, "requiredStewards": M },
///   "approvers": [ { "name": "...", "email": "...", "role": "engineer" | "steward" }, ... ] }
/// </code>
/// It says which session signed, what, under which quorum policy, and who approved (in approval order). The
/// approvals' WebAuthn evidence is not here but in the bundle's <c>mpcsign</c> section; the certificate binds the
/// same session id, digest and approvers, so a verifier can check that all three agree.
/// </summary>
public sealed record QuorumApprovalPredicate
{
    public const string Type = "https://mpcsign.dev/quorum-approval/v1";

    /// <summary>The session's 16-byte id.</summary>
    public required byte[] SessionId { get; init; }
    /// <summary>SHA-256 of the artifact (also the Statement's subject digest).</summary>
    public required byte[] ArtifactDigest { get; init; }
    public required QuorumPolicy Policy { get; init; }
    public required IReadOnlyList<PredicateApprover> Approvers { get; init; }
}
