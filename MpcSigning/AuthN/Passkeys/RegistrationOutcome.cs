using MpcSigning.Proto.AuthN;

namespace MpcSigning.AuthN.Passkeys;

/// <summary>
/// The outcome of <see cref="PasskeyCeremonies.CompleteRegistration"/>: the participant to enrol (not yet stored), or
/// why the registration was refused (a one-line message: what, where, how to fix).
/// </summary>
public sealed record RegistrationOutcome(bool Ok, AuthNError Code, string Message, Participant? Participant)
{
    public static RegistrationOutcome Refuse(AuthNError code, string message) => new(false, code, message, null);
}
