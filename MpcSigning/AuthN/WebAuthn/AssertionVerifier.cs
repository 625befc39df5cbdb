using System.Text;
using MpcSigning.Crypto;
using MpcSigning.Proto.AuthN;

namespace MpcSigning.AuthN.WebAuthn;

/// <summary>
/// Verifies a WebAuthn authentication assertion per WebAuthn Level 3 section 7.2 ("Verifying an Authentication
/// Assertion"), steps 5-23, for an ES256 (P-256) credential. Pure: no I/O, clock or configuration; everything it
/// needs is an argument. Never throws for bad input: every refusal is an <see cref="AssertionResult"/> whose
/// message says what was wrong and how to fix it.
/// <para>
/// Not covered here, by design: step 6 (user handle) because mpcsign identifies the participant by the
/// credential it enrolled, step 19 (BE/BS policy against the credential record) because the registry keeps no
/// backup-eligibility bit yet, and step 24 (attestation) which applies only to assertions carrying one.
/// </para>
/// </summary>
public static partial class AssertionVerifier
{
    /// <param name="assertion">The raw assertion as the client sent it.</param>
    /// <param name="expectedChallenge">The challenge issued, e.g. <see cref="ApprovalChallenge.Derive"/>.</param>
    /// <param name="rp">The relying party settings.</param>
    /// <param name="credentialPublicKeySpki">The enrolled credential key (P-256 SubjectPublicKeyInfo DER).</param>
    /// <param name="expectedCredentialId">The enrolled credential id.</param>
    /// <param name="storedSignCount">The highest counter accepted so far for this credential.</param>
    public static AssertionResult Verify(Assertion assertion, byte[] expectedChallenge, RelyingParty rp,
        byte[] credentialPublicKeySpki, byte[] expectedCredentialId, uint storedSignCount)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        ArgumentNullException.ThrowIfNull(expectedChallenge);
        ArgumentNullException.ThrowIfNull(rp);
        ArgumentNullException.ThrowIfNull(credentialPublicKeySpki);
        ArgumentNullException.ThrowIfNull(expectedCredentialId);
        if (expectedChallenge.Length == 0) throw new ArgumentException("expected challenge is empty.", nameof(expectedChallenge));

        if (assertion.CredentialId.IsEmpty || assertion.AuthenticatorData.IsEmpty || assertion.ClientDataJson.IsEmpty ||
            assertion.Signature.IsEmpty)
            return AssertionResult.Fail(AuthNError.AssertionIncomplete,
                "assertion lacks its credential id, authenticatorData, clientDataJSON or signature; " +
                "send the complete AuthenticatorAssertionResponse.");

        // Steps 5-7: the credential used must be the one enrolled for this participant.
        if (!Hashes.FixedTimeEquals(assertion.CredentialId.Span, expectedCredentialId))
            return AssertionResult.Fail(AuthNError.CredentialIdMismatch,
                "assertion was made with a credential that is not the one enrolled for this participant; " +
                "approve with the enrolled authenticator, or re-enroll the new one.");

        var clientCheck = CheckClientData(assertion.ClientDataJson.Span, expectedChallenge, rp);
        if (clientCheck is not null) return clientCheck;

        var authData = AuthenticatorData.Parse(assertion.AuthenticatorData.Memory, out var code, out var message);
        if (authData is null) return AssertionResult.Fail(code, message);
        var flagsCheck = CheckAuthenticatorData(authData, rp);
        if (flagsCheck is not null) return flagsCheck;

        // Steps 21-22: the signature covers authenticatorData || SHA-256(clientDataJSON).
        var signatureCheck = CheckSignature(assertion, credentialPublicKeySpki);
        if (signatureCheck is not null) return signatureCheck;

        // Step 23: if either counter is non-zero the new one must be strictly greater; an equal or lower value
        // means this assertion was replayed or the authenticator was cloned. mpcsign refuses (the spec leaves
        // the reaction to the relying party): an approval releases a signature.
        var count = authData.SignCount;
        if ((count != 0 || storedSignCount != 0) && count <= storedSignCount)
            return AssertionResult.Fail(AuthNError.SignCountNotIncreased,
                $"authenticator signCount {count} is not greater than the stored {storedSignCount}: the assertion was " +
                "replayed or the authenticator was cloned (WebAuthn L3 section 7.2 step 23). Make a fresh assertion; " +
                "if this repeats, revoke and re-enroll the credential.");
        return AssertionResult.Success(count);
    }

    /// <summary>Step 15: rpIdHash is SHA-256 of the RP id's UTF-8 bytes.</summary>
    public static byte[] RpIdHash(string rpId) => Hashes.Sha256(Encoding.UTF8.GetBytes(rpId));
}
