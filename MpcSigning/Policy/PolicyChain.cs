using MpcSigning.AuthN;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Crypto;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Policy;

namespace MpcSigning.Policy;

/// <summary>
/// Walks a policy chain from a pinned version: version 1 (or the pinned version) must have the pinned digest; each
/// later version must name the digest of the one before, be numbered one higher, be well-formed, and carry approvals
/// by at least <c>required_stewards</c> distinct stewards of the PREVIOUS version, each made with the credential that
/// version names, over ApprovalChallenge.Derive(change session, new digest), for the previous version's relying party.
/// Pure; every refusal is one line.
/// </summary>
public static class PolicyChain
{
    /// <summary>The verified versions, from the pinned one to the last; <see cref="PolicyException"/> on the first problem.</summary>
    public static IReadOnlyList<TrustPolicy> Verify(TrustPolicyChain chain, ReadOnlySpan<byte> pinnedDigest)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var start = -1;
        for (var i = 0; i < chain.Versions.Count && start < 0; i++)
            if (PolicyDigest.Of(chain.Versions[i].Policy).AsSpan().SequenceEqual(pinnedDigest)) start = i;
        if (start < 0)
            throw new PolicyException($"no version of the trust policy has the pinned fingerprint {Convert.ToHexStringLower(pinnedDigest)}; " +
                "the policy was not made by the deployment you pinned");
        var verified = new List<TrustPolicy>();
        var first = chain.Versions[start].Policy;
        PolicyValidation.Check(first);
        verified.Add(first);
        for (var i = start + 1; i < chain.Versions.Count; i++)
        {
            var next = chain.Versions[i];
            CheckStep(verified[^1], next);
            verified.Add(next.Policy);
        }
        return verified;
    }

    /// <summary>Checks that <paramref name="next"/> is a change of <paramref name="old"/> its stewards approved.</summary>
    public static void CheckStep(TrustPolicy old, SignedTrustPolicy next)
    {
        var p = next.Policy ?? throw new PolicyException("a policy version is empty");
        var v = $"trust policy v{p.Version}";
        if (p.Version != old.Version + 1) throw new PolicyException($"{v} follows v{old.Version}; versions must count up by one");
        if (!p.PreviousDigest.Span.SequenceEqual(PolicyDigest.Of(old)))
            throw new PolicyException($"{v} does not name v{old.Version}'s digest as its previous version; it is not reachable from the pinned policy");
        PolicyValidation.Check(p);
        if (next.ChangeSessionId.Length != ApprovalChallenge.SessionIdBytes)
            throw new PolicyException($"{v} names no 16-byte change session; a change must be approved in a session");
        var challenge = ApprovalChallenge.Derive(next.ChangeSessionId.Span, PolicyDigest.Of(p));
        var rp = new RelyingParty(old.RpId, old.RpOrigins.ToArray());
        var stewards = new HashSet<string>(StringComparer.Ordinal);
        foreach (var a in next.Approvals)
        {
            var who = CheckApprover(old, a, Role.Steward, $"{v}'s change");
            var r = Approvals.Reverify(a, challenge, rp);
            if (!r.Ok) throw new PolicyException($"{v}: the approval by {Text.Printable(a.ParticipantEmail)} does not verify: {r.Message}");
            stewards.Add(who.Email);
        }
        var needed = Math.Max(1u, old.RequiredStewards);
        if (stewards.Count < needed)
            throw new PolicyException($"{v} is approved by {stewards.Count} steward(s) of v{old.Version}; its rule needs {needed}");
    }

    /// <summary>
    /// The participant of <paramref name="policy"/> who made the approval: same email, the role the approval claims and
    /// the policy gives, the credential key and id the policy names. Throws naming which of these failed.
    /// </summary>
    public static PolicyParticipant CheckApprover(TrustPolicy policy, ApprovalRecord a, Role? requiredRole, string context)
    {
        var email = (a.ParticipantEmail ?? "").Trim().ToLowerInvariant();
        var who = policy.Participants.FirstOrDefault(x => x.Email == email)
            ?? throw new PolicyException($"{context}: {Text.Printable(a.ParticipantEmail)} is not a participant of trust policy v{policy.Version}");
        if (who.Role != a.Role)
            throw new PolicyException($"{context}: {who.Email} approved as {RoleNames.ToName(a.Role)}, but trust policy v{policy.Version} gives them {RoleNames.ToName(who.Role)}");
        if (requiredRole is { } role && who.Role != role)
            throw new PolicyException($"{context}: {who.Email} is {RoleNames.ToName(who.Role)} in trust policy v{policy.Version}; only a {RoleNames.ToName(role)} may approve this");
        if (!Hashes.FixedTimeEquals(who.PublicKeySpki.Span, a.PublicKeySpki.Span) || a.Assertion is null ||
            !who.CredentialId.Span.SequenceEqual(a.Assertion.CredentialId.Span))
            throw new PolicyException($"{context}: the approval by {who.Email} was made with a credential trust policy v{policy.Version} does not name");
        return who;
    }
}
