using Google.Protobuf;
using MpcSigning.AuthN.Registry;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Proto.AuthN;

namespace MpcSigning.AuthN;

/// <summary>The outcome of <see cref="Approvals.Admit"/>: the record to persist, or why the approval was refused.</summary>
public sealed record ApprovalOutcome(bool Ok, AuthNError Code, string Message, ApprovalRecord? Record)
{
    public static ApprovalOutcome Refuse(AuthNError code, string message) => new(false, code, message, null);
}

/// <summary>
/// The AuthN module's two operations on approvals, for the AuthN service and for anyone re-checking evidence.
/// Duplicate detection (one person approving twice) belongs to the session, which knows who has approved:
/// it must answer a duplicate before calling <see cref="Admit"/>, because a replayed assertion fails here
/// on its unchanged signCount.
/// </summary>
public static class Approvals
{
    /// <summary>
    /// Looks up the participant, checks the role (if one is required), verifies the assertion against the enrolled
    /// credential (WebAuthn L3 section 7.2), and advances the stored signCount atomically. Nothing changes unless
    /// every check passes; of two concurrent admissions with one counter value, one is refused.
    /// </summary>
    public static ApprovalOutcome Admit(IParticipantRegistry registry, string email, Assertion assertion, byte[] challenge,
        RelyingParty rp, long nowUnixMs, Role? requiredRole = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var p = registry.Find(email);
        if (p is null)
            return ApprovalOutcome.Refuse(AuthNError.UnknownParticipant,
                $"no participant is enrolled as '{email}'; check the email, or ask an administrator to enroll it.");
        if (requiredRole is { } role && p.Role != role)
            return ApprovalOutcome.Refuse(AuthNError.WrongRole,
                $"'{p.Email}' is enrolled as {RoleNames.ToName(p.Role)}, but this approval needs a {RoleNames.ToName(role)}; " +
                "ask a participant with that role to approve.");
        var cose = CredentialKey(p.CredentialPublicKeyCose, p.PublicKeySpki, out var keyProblem);
        if (cose is null)
            return ApprovalOutcome.Refuse(AuthNError.PublicKeyInvalid, $"approval by '{p.Email}' refused: {keyProblem}; re-enroll the participant.");
        var result = AssertionVerifier.Verify(assertion, challenge, rp, cose, p.CredentialId.ToByteArray(), p.SignCount, p.BackupEligible,
            p.UserHandle.Memory);
        if (!result.Ok)
        {
            // Section 7.2 step 22: a counter that does not advance is a replay or a cloned authenticator; either way
            // an operator must hear of it, not only the approver.
            if (result.Code == AuthNError.SignCountNotIncreased)
                Hosting.Audit.Record("authn", p.Email, "CloneSuspected", null,
                    $"refused: signCount did not advance past {p.SignCount} (replayed assertion or cloned authenticator)");
            return ApprovalOutcome.Refuse(result.Code, $"approval by '{p.Email}' refused: {result.Message}");
        }
        if (!registry.TryAdvanceSignCount(p.Email, p.SignCount, result.NewSignCount))
            return ApprovalOutcome.Refuse(AuthNError.SignCountRace,
                $"approval by '{p.Email}' refused: another approval with this credential advanced its signCount past " +
                $"{p.SignCount} at the same time (WebAuthn L3 section 7.2 step 23); make a fresh assertion.");
        var record = new ApprovalRecord
        {
            ParticipantEmail = p.Email, ParticipantName = p.Name, Role = p.Role,
            PublicKeySpki = p.PublicKeySpki, Assertion = assertion, ApprovedAtUnixMs = nowUnixMs,
            CredentialPublicKeyCose = ByteString.CopyFrom(cose), BackupEligible = p.BackupEligible,
        };
        return new ApprovalOutcome(true, AuthNError.None, $"approval by '{p.Email}' accepted", record);
    }

    /// <summary>
    /// Re-verifies a persisted approval offline (signers before signing, bundle verifiers): the assertion against the
    /// key recorded with it and the session's challenge. Pure. The counter is not checked: its order was enforced
    /// when the approval was admitted, and a later reader has no counter state.
    /// </summary>
    public static AssertionResult Reverify(ApprovalRecord record, byte[] challenge, RelyingParty rp)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Assertion is null)
            return AssertionResult.Fail(AuthNError.AssertionIncomplete,
                $"approval record for '{record.ParticipantEmail}' carries no assertion; the record is corrupt.");
        if (!RoleNames.IsValid(record.Role))
            return AssertionResult.Fail(AuthNError.InvalidRole,
                $"approval record for '{record.ParticipantEmail}' has role {RoleNames.ToName(record.Role)}; the record is corrupt.");
        var cose = CredentialKey(record.CredentialPublicKeyCose, record.PublicKeySpki, out var keyProblem);
        if (cose is null)
            return AssertionResult.Fail(AuthNError.PublicKeyInvalid,
                $"approval record for '{record.ParticipantEmail}': {keyProblem}; the record is corrupt.");
        return AssertionVerifier.Verify(record.Assertion, challenge, rp, cose, record.Assertion.CredentialId.ToByteArray(),
            storedSignCount: 0, record.BackupEligible);
    }

    /// <summary>
    /// The COSE key to verify with, which must be the key <paramref name="spki"/> names (the trust policy, the CA and
    /// the bundle identify a participant by the SPKI, so the two may never disagree). Empty COSE: derived from the SPKI
    /// (records made before COSE keys were kept).
    /// </summary>
    internal static byte[]? CredentialKey(ByteString cose, ByteString spki, out string problem)
    {
        problem = "";
        var key = cose.IsEmpty ? Passkeys.CoseKeys.FromSpki(spki.Span) : cose.ToByteArray();
        if (key is null)
        {
            problem = "the credential public key is not a P-256, Ed25519 or RSA SubjectPublicKeyInfo";
            return null;
        }
        var derived = Passkeys.CoseKeys.ToSpki(key, out _, out var why);
        if (derived is null)
        {
            problem = why;
            return null;
        }
        if (!derived.AsSpan().SequenceEqual(spki.Span))
        {
            problem = "the credential's COSE key and its SubjectPublicKeyInfo are different keys";
            return null;
        }
        return key;
    }
}
