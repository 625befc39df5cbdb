namespace MpcSigning.AuthN.WebAuthn;

/// <summary>
/// The outcome of <see cref="AssertionVerifier.Verify"/>. On success <see cref="NewSignCount"/> is the counter the
/// caller must store (compare-and-set, see IParticipantRegistry.TryAdvanceSignCount) before accepting the approval.
/// </summary>
public sealed record AssertionResult(bool Ok, AuthNError Code, string Message, uint NewSignCount)
{
    public static AssertionResult Success(uint newSignCount) => new(true, AuthNError.None, "assertion verified", newSignCount);

    public static AssertionResult Fail(AuthNError code, string message) => new(false, code, message, 0);

    public override string ToString() => Ok ? $"ok (signCount {NewSignCount})" : $"{Code}: {Message}";
}
