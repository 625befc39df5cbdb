using MpcSigning.Ca;
using MpcSigning.Proto.Ca;
using MpcSigning.Proto.Policy;

namespace MpcSigning.Policy;

/// <summary>
/// What the CA checks before it certifies, so that neither the coordinator nor anyone holding the CA's request path
/// alone can obtain a certificate: the request names the CA's current trust policy (version and digest), its approvals
/// satisfy that policy (<see cref="PolicyEvidence.Check"/>), and the approvers it asks to be certified are exactly those
/// approvals. The result is the binding written into the certificate (extension .5).
/// </summary>
public sealed class CaPolicyCheck(Func<TrustPolicy?> current, Func<bool>? knownNone = null, byte[]? ownCertificateDer = null)
{
    /// <summary>
    /// A cluster CA's check, from its cached copy: refuses while the copy was never filled (the policy service has not
    /// answered yet), certifies without a binding, as before trust policies, while the deployment has none (never ran
    /// 'mpcsign policy init'), and checks against the policy once one is in force. A policy that names another CA
    /// certificate than <paramref name="ownCertificateDer"/> is refused: its version 1 was made from wrong material.
    /// </summary>
    public static CaPolicyCheck For(PolicyView view, byte[] ownCertificateDer) => new(() => view.Current, () => view.KnownNone, ownCertificateDer);

    /// <summary>The verdicts this process has reached on approvals (shared with its signers); null: verify each here.</summary>
    public MpcSigning.AuthN.ApprovalVerdicts? Verdicts { get; init; }

    /// <exception cref="CaException"><see cref="CaErrorCode.PolicyRefused"/>, saying why.</exception>
    /// <returns>The binding for the certificate; null only when <c>knownNone</c> says the deployment has no policy at all.</returns>
    public PolicyBinding? Check(CertifySessionKey m)
    {
        var policy = current();
        if (policy is null && knownNone?.Invoke() == true)
        {
            if (m.PolicyVersion != 0) throw Refused($"the request names trust policy v{m.PolicyVersion}, but this deployment has none");
            return null;
        }
        if (policy is null)
            throw Refused(knownNone is null ? "this CA has no trust policy yet; the node bootstraps version 1 at its first session"
                : "this CA has not heard the trust policy from the policy service yet; retry in a few seconds");
        if (ownCertificateDer is not null && !policy.CaCertificateDer.Span.SequenceEqual(ownCertificateDer))
            throw Refused($"trust policy v{policy.Version} names another CA certificate than this CA's; it cannot certify under it");
        var digest = PolicyDigest.Of(policy);
        if (m.PolicyVersion != policy.Version || !m.PolicyDigest.Span.SequenceEqual(digest))
            throw Refused($"the request names trust policy v{m.PolicyVersion}, but the CA's current policy is v{policy.Version} ({Convert.ToHexStringLower(digest)[..16]}...)");
        if (PolicyEvidence.Check(policy, m.SessionId.Span, m.ArtifactDigest.Span, m.Approvals, Verdicts) is { } problem) throw Refused(problem);
        var named = m.Approvers.Select(a => (a.Email.Trim().ToLowerInvariant(), a.Role));
        var approved = m.Approvals.Select(a => (a.ParticipantEmail.Trim().ToLowerInvariant(), a.Role));
        if (!named.SequenceEqual(approved)) throw Refused("the approvers to certify are not the approvals the request carries");
        return new PolicyBinding(policy.Version, digest, PolicyEvidence.ApprovalsDigest(m.Approvals));
    }

    private static CaException Refused(string why) => new(CaErrorCode.PolicyRefused, "the CA refused the quorum evidence: " + why);
}
