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
        var result = AssertionVerifier.Verify(assertion, challenge, rp, p.PublicKeySpki.ToByteArray(), p.CredentialId.ToByteArray(),
            p.SignCount);
        if (!result.Ok) return ApprovalOutcome.Refuse(result.Code, $"approval by '{p.Email}' refused: {result.Message}");
        if (!registry.TryAdvanceSignCount(p.Email, p.SignCount, result.NewSignCount))
            return ApprovalOutcome.Refuse(AuthNError.SignCountRace,
                $"approval by '{p.Email}' refused: another approval with this credential advanced its signCount past " +
                $"{p.SignCount} at the same time (WebAuthn L3 section 7.2 step 23); make a fresh assertion.");
        var record = new ApprovalRecord
        {
            ParticipantEmail = p.Email, ParticipantName = p.Name, Role = p.Role,
            PublicKeySpki = p.PublicKeySpki, Assertion = assertion, ApprovedAtUnixMs = nowUnixMs,
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
        return AssertionVerifier.Verify(record.Assertion, challenge, rp, record.PublicKeySpki.ToByteArray(),
            record.Assertion.CredentialId.ToByteArray(), storedSignCount: 0);
    }
}
