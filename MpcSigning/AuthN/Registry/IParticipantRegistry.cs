using MpcSigning.Proto.AuthN;

namespace MpcSigning.AuthN.Registry;

/// <summary>
/// The persistent list of people who may approve: name, email (the identity; trimmed and lower-cased), role
/// (engineer or steward) and their WebAuthn credential with its signature counter. Implementations: Sqlite/.
/// Nothing in it has to be trusted for an approval to be checked later: the raw assertion carries its own proof.
/// </summary>
public interface IParticipantRegistry
{
    /// <summary>
    /// Adds a participant. Enrolling the identical participant again (same email, name, role, credential id and
    /// key) is idempotent and returns <see cref="EnrollStatus.AlreadyEnrolled"/>. Anything else under an enrolled
    /// email, or an already-enrolled credential id, is refused and nothing changes. A zero
    /// <see cref="Participant.RegisteredAtUnixMs"/> is set to the registry's clock.
    /// </summary>
    EnrollResult Enroll(Participant participant);

    /// <summary>The participant with this email (compared after normalization), or null.</summary>
    Participant? Find(string email);

    /// <summary>The participant whose WebAuthn credential has this id, or null.</summary>
    Participant? FindByCredentialId(byte[] credentialId);

    /// <summary>Every participant, ordered by email.</summary>
    IReadOnlyList<Participant> List();

    /// <summary>
    /// Atomic compare-and-set of the stored signCount (WebAuthn L3 section 7.2 steps 23 and 25): stores
    /// <paramref name="newCount"/> only if the stored value is still <paramref name="expectedOld"/> and the new value
    /// is greater (or both are zero: an authenticator without a counter). Of two concurrent approvals verified
    /// against the same stored counter, exactly one gets true. False also when the participant is unknown.
    /// </summary>
    bool TryAdvanceSignCount(string email, uint expectedOld, uint newCount);
}

/// <summary>What <see cref="IParticipantRegistry.Enroll"/> did.</summary>
public enum EnrollStatus
{
    /// <summary>Refused; see <see cref="EnrollResult.Code"/> and the message. Nothing changed.</summary>
    Refused,
    /// <summary>The participant was added.</summary>
    Enrolled,
    /// <summary>The identical participant was already there; nothing changed.</summary>
    AlreadyEnrolled,
}

/// <summary>The outcome of an enrollment. <see cref="Participant"/> is the stored record when not refused.</summary>
public sealed record EnrollResult(EnrollStatus Status, AuthNError Code, string Message, Participant? Participant)
{
    public bool Ok => Status != EnrollStatus.Refused;

    public static EnrollResult Refuse(AuthNError code, string message) => new(EnrollStatus.Refused, code, message, null);
}
