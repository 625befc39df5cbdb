using MpcSigning.AuthN;
using MpcSigning.AuthN.Registry;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Coordinator;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Proto.Signing;

namespace MpcSigning.Signing;

/// <summary>
/// A signer's own check of the quorum, so that a coordinator alone can never obtain a signature: the policy must be the
/// one this signer is configured with (a coordinator cannot lower it), every approval must re-verify against the
/// session's challenge and the credential the registry holds for that person in that role, and the rule must be met.
/// The registry is read through <c>findParticipant</c>: the node's own registry, or on a signer node of a cluster the
/// AuthN service's (the one registry of the deployment).
/// </summary>
/// <param name="trustPolicyRule">The quorum rule of the trust policy in force (null while there is none): once a policy
/// exists its rule replaces the configured <paramref name="configuredPolicy"/>, as for the coordinator and the CA.</param>
public sealed class QuorumEvidenceVerifier(Func<string, CancellationToken, Task<Participant?>> findParticipant, RelyingParty rp, QuorumPolicy configuredPolicy,
    Func<QuorumPolicy?>? trustPolicyRule = null)
    : IQuorumEvidenceVerifier
{
    public QuorumEvidenceVerifier(IParticipantRegistry registry, RelyingParty rp, QuorumPolicy requiredPolicy, Func<QuorumPolicy?>? trustPolicyRule = null)
        : this((email, _) => Task.FromResult(registry.Find(email)), rp, requiredPolicy, trustPolicyRule)
    {
    }

    /// <summary>The verdicts this process has reached (shared by its signers and CA); null: every check verifies anew.</summary>
    public ApprovalVerdicts? Verdicts { get; init; }

    public async Task<string?> CheckAsync(QuorumEvidence evidence, CancellationToken ct)
    {
        var requiredPolicy = trustPolicyRule?.Invoke() ?? configuredPolicy;
        if (evidence.SessionId.Length != 16 || evidence.ArtifactDigest.Length != 32)
            return "the evidence must name a 16-byte session and a 32-byte artifact digest";
        if (evidence.Policy is null || !evidence.Policy.Equals(requiredPolicy))
            return $"the evidence claims policy {evidence.Policy}, but this signer requires {requiredPolicy}";
        var challenge = ApprovalChallenge.Derive(evidence.SessionId.Span, evidence.ArtifactDigest.Span);
        foreach (var approval in evidence.Approvals)
        {
            var enrolled = await findParticipant(approval.ParticipantEmail, ct);
            if (enrolled is null) return $"'{approval.ParticipantEmail}' is not an enrolled participant";
            if (enrolled.Role != approval.Role)
                return $"'{approval.ParticipantEmail}' is enrolled as {RoleNames.ToName(enrolled.Role)}, not {RoleNames.ToName(approval.Role)}";
            if (!enrolled.PublicKeySpki.Equals(approval.PublicKeySpki) || approval.Assertion is null ||
                !enrolled.CredentialId.Equals(approval.Assertion.CredentialId))
                return $"the approval by '{approval.ParticipantEmail}' was not made with their enrolled credential";
        }
        // Every approval's assertion verified at once (each on the thread pool); with the process's verdicts, the
        // signers of one process that check the same approval share one verification of it.
        var results = await Task.WhenAll(evidence.Approvals.Select(approval => Verdicts is { } verdicts
            ? verdicts.ReverifyAsync(approval, challenge, rp)
            : Task.FromResult(Approvals.Reverify(approval, challenge, rp))));
        if (results.FirstOrDefault(r => !r.Ok) is { } failed) return failed.Message;
        if (!QuorumRule.IsMet(requiredPolicy, evidence.Approvals))
        {
            var (e, s) = QuorumRule.StillNeeded(requiredPolicy, evidence.Approvals);
            return $"the approvals do not meet the quorum: {e} more engineer(s) and {s} more steward(s) needed";
        }
        return null;
    }
}
