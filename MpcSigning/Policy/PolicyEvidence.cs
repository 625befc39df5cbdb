using System.Buffers.Binary;
using MpcSigning.AuthN;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Coordinator;
using MpcSigning.Crypto;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Proto.Policy;

namespace MpcSigning.Policy;

/// <summary>
/// The quorum evidence of an artifact session checked against a trust policy version: every approval made by a
/// participant the policy names, in the role it gives, with the credential it names, over the session's challenge for
/// the policy's relying party; and the policy's rule met. Used by the CA before it certifies and by verify. Pure.
/// </summary>
public static class PolicyEvidence
{
    private static ReadOnlySpan<byte> ApprovalsLabel => "mpcsign/approvals/v1"u8;

    /// <summary>Null when the approvals satisfy the policy; else one line saying what does not.</summary>
    /// <param name="verdicts">The verdicts this process reached before (a service's check); null: verify every approval here.</param>
    public static string? Check(TrustPolicy policy, ReadOnlySpan<byte> sessionId, ReadOnlySpan<byte> artifactDigest, IReadOnlyList<ApprovalRecord> approvals,
        ApprovalVerdicts? verdicts = null)
    {
        if (sessionId.Length != ApprovalChallenge.SessionIdBytes || artifactDigest.Length != ApprovalChallenge.ArtifactDigestBytes)
            return "the evidence must name a 16-byte session and a 32-byte artifact digest";
        var challenge = ApprovalChallenge.Derive(sessionId, artifactDigest);
        var rp = RelyingPartyOf(policy);
        foreach (var a in approvals)
        {
            try
            {
                PolicyChain.CheckApprover(policy, a, null, "approval");
            }
            catch (PolicyException e)
            {
                return e.Message;
            }
            var r = verdicts?.Reverify(a, challenge, rp) ?? Approvals.Reverify(a, challenge, rp);
            if (!r.Ok) return $"the approval by {Text.Printable(a.ParticipantEmail)} does not verify: {r.Message}";
        }
        var rule = Rule(policy);
        if (!QuorumRule.IsMet(rule, approvals))
        {
            var (e, s) = QuorumRule.StillNeeded(rule, approvals);
            return $"the approvals do not meet trust policy v{policy.Version}'s quorum: {e} engineer(s) and {s} steward(s) missing";
        }
        return null;
    }

    public static QuorumPolicy Rule(TrustPolicy p) => new() { RequiredEngineers = p.RequiredEngineers, RequiredStewards = p.RequiredStewards };

    public static RelyingParty RelyingPartyOf(TrustPolicy p) => new(p.RpId, p.RpOrigins.ToArray());

    /// <summary>
    /// SHA-256("mpcsign/approvals/v1" || 0x00 || for each approval in order: email, role name, credential key,
    /// credential id, authenticatorData, clientDataJSON, signature, each as a 4-byte big-endian length and the bytes).
    /// </summary>
    public static byte[] ApprovalsDigest(IEnumerable<ApprovalRecord> approvals)
    {
        using var ms = new MemoryStream();
        ms.Write(ApprovalsLabel);
        ms.WriteByte(0);
        void Put(ReadOnlySpan<byte> b)
        {
            Span<byte> len = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(len, (uint)b.Length);
            ms.Write(len);
            ms.Write(b);
        }
        foreach (var a in approvals)
        {
            var x = a.Assertion ?? new Assertion();
            Put(System.Text.Encoding.UTF8.GetBytes(a.ParticipantEmail.Trim().ToLowerInvariant()));
            Put(System.Text.Encoding.UTF8.GetBytes(PolicyJson.RoleName(a.Role)));
            Put(a.PublicKeySpki.Span);
            Put(x.CredentialId.Span);
            Put(x.AuthenticatorData.Span);
            Put(x.ClientDataJson.Span);
            Put(x.Signature.Span);
        }
        return Hashes.Sha256(ms.ToArray());
    }
}
