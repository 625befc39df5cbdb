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
public sealed class CaPolicyCheck(Func<TrustPolicy?> current)
{
    /// <exception cref="CaException"><see cref="CaErrorCode.PolicyRefused"/>, saying why.</exception>
    public PolicyBinding Check(CertifySessionKey m)
    {
        var policy = current() ?? throw Refused("this CA has no trust policy yet; the node bootstraps version 1 at its first session");
        var digest = PolicyDigest.Of(policy);
        if (m.PolicyVersion != policy.Version || !m.PolicyDigest.Span.SequenceEqual(digest))
            throw Refused($"the request names trust policy v{m.PolicyVersion}, but the CA's current policy is v{policy.Version} ({Convert.ToHexStringLower(digest)[..16]}...)");
        if (PolicyEvidence.Check(policy, m.SessionId.Span, m.ArtifactDigest.Span, m.Approvals) is { } problem) throw Refused(problem);
        var named = m.Approvers.Select(a => (a.Email.Trim().ToLowerInvariant(), a.Role));
        var approved = m.Approvals.Select(a => (a.ParticipantEmail.Trim().ToLowerInvariant(), a.Role));
        if (!named.SequenceEqual(approved)) throw Refused("the approvers to certify are not the approvals the request carries");
        return new PolicyBinding(policy.Version, digest, PolicyEvidence.ApprovalsDigest(m.Approvals));
    }

    private static CaException Refused(string why) => new(CaErrorCode.PolicyRefused, "the CA refused the quorum evidence: " + why);
}
