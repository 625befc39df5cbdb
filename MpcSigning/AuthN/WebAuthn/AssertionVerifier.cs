using System.Buffers.Text;
using System.Text;
using Fido2NetLib;
using Fido2NetLib.Objects;
using MpcSigning.AuthN.Passkeys;
using MpcSigning.Crypto;
using MpcSigning.Proto.AuthN;

namespace MpcSigning.AuthN.WebAuthn;

/// <summary>
/// Verifies a WebAuthn authentication assertion (WebAuthn L3 section 7.2) with Fido2: client data (type, challenge,
/// origin, cross-origin), authenticatorData (structure, rpIdHash, UP, UV, BS/BE consistency, extensions), the
/// signature with the credential's COSE key (ES256, EdDSA, RS256) and the counter. What mpcsign adds around Fido2:
/// the credential must be the participant's (constant-time), the challenge is compared in constant time before Fido2
/// compares it again, BE must be the value registered (step 19), and a zero counter after a non-zero one is refused
/// as a clone (step 22; Fido2 accepts it). Never throws for bad input: every refusal is an <see cref="AssertionResult"/>.
/// </summary>
public static class AssertionVerifier
{
    /// <summary>clientDataJSON.type of an assertion (section 5.8.1).</summary>
    public const string AssertionType = "webauthn.get";

    /// <param name="assertion">The raw assertion as the client sent it.</param>
    /// <param name="expectedChallenge">The challenge issued, e.g. <see cref="ApprovalChallenge.Derive"/>.</param>
    /// <param name="rp">The relying party settings (RP ID, origins, whether UV is required).</param>
    /// <param name="credentialPublicKeyCose">The enrolled credential key as a COSE_Key.</param>
    /// <param name="expectedCredentialId">The enrolled credential id.</param>
    /// <param name="storedSignCount">The highest counter accepted so far for this credential (0 for re-verification).</param>
    /// <param name="backupEligible">The BE flag registered with the credential.</param>
    /// <param name="userHandle">The user handle registered with the credential; empty: none known (any returned is accepted).</param>
    public static AssertionResult Verify(Assertion assertion, byte[] expectedChallenge, RelyingParty rp,
        byte[] credentialPublicKeyCose, byte[] expectedCredentialId, uint storedSignCount, bool backupEligible,
        ReadOnlyMemory<byte> userHandle = default)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        ArgumentNullException.ThrowIfNull(expectedChallenge);
        ArgumentNullException.ThrowIfNull(rp);
        ArgumentNullException.ThrowIfNull(credentialPublicKeyCose);
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
        if (CoseKeys.ToSpki(credentialPublicKeyCose, out var algorithm, out var keyProblem) is null)
            return AssertionResult.Fail(AuthNError.PublicKeyInvalid,
                $"the enrolled credential public key is unusable: {keyProblem}; re-enroll the participant.");
        if (StrictEncoding.CheckSignatureEncoding(algorithm, assertion.Signature.Memory) is { } signatureRefused) return signatureRefused;

        var raw = new AuthenticatorAssertionRawResponse
        {
            Id = Base64Url.EncodeToString(assertion.CredentialId.Span),
            RawId = assertion.CredentialId.ToByteArray(),
            Type = PublicKeyCredentialType.PublicKey,
            Response = new AuthenticatorAssertionRawResponse.AssertionResponse
            {
                AuthenticatorData = assertion.AuthenticatorData.ToByteArray(),
                ClientDataJson = assertion.ClientDataJson.ToByteArray(),
                Signature = assertion.Signature.ToByteArray(),
                UserHandle = assertion.UserHandle.IsEmpty ? null : assertion.UserHandle.ToByteArray(),
            },
            ClientExtensionResults = new AuthenticationExtensionsClientOutputs(),
        };
        var options = AssertionOptions.Create(PasskeyCeremonies.Fido2Config(rp, framed: true), expectedChallenge,
            [new PublicKeyCredentialDescriptor(expectedCredentialId)],
            rp.RequireUserVerification ? UserVerificationRequirement.Required : UserVerificationRequirement.Preferred, null);
        var registeredHandle = userHandle.ToArray();

        AuthenticatorAssertionResponse? parsed = null;
        VerifyAssertionResult verified;
        try
        {
            // Steps 9-12 strictly and in constant time (StrictEncoding says what Fido2 leaves open).
            if (StrictEncoding.CheckClientData(assertion.ClientDataJson.Span, expectedChallenge, rp) is { } clientDataRefused)
                return clientDataRefused;
            parsed = AuthenticatorAssertionResponse.Parse(raw);
            if (parsed.AuthenticatorData.HasExtensionsData &&
                StrictEncoding.CheckExtensions(assertion.AuthenticatorData.Memory, parsed.AuthenticatorData.HasAttestedCredentialData) is { } extensionsRefused)
                return extensionsRefused;
            // Fido2 is asynchronous only for its callbacks and metadata service; ours are synchronous and there is no
            // metadata service, so the task has completed when VerifyAsync returns.
            verified = parsed.VerifyAsync(options, PasskeyCeremonies.Fido2Config(rp, framed: true), credentialPublicKeyCose, storedSignCount,
                (p, _) => Task.FromResult(registeredHandle.Length == 0 || Hashes.FixedTimeEquals(p.UserHandle, registeredHandle)),
                null, null).GetAwaiter().GetResult();
        }
        catch (Exception e) when (Fido2Errors.IsVerificationFailure(e))
        {
            var (code, message) = Fido2Errors.Explain(e, rp, registration: false, parsed?.Origin);
            return AssertionResult.Fail(code, message);
        }

        // Step 19: BE is fixed when the credential is made; a change means another authenticator, or a corrupt record.
        if (parsed!.AuthenticatorData.IsBackupEligible != backupEligible)
            return AssertionResult.Fail(AuthNError.BackupEligibilityChanged,
                $"authenticatorData says the credential is {(parsed.AuthenticatorData.IsBackupEligible ? "" : "not ")}backup eligible (BE), but it was " +
                $"registered as {(backupEligible ? "" : "not ")}backup eligible (section 7.2 step 19): BE never changes for a credential, so this is " +
                "another authenticator answering for it. Re-enroll the participant's passkey.");

        // Step 22: if either counter is non-zero the new one must be strictly greater. Fido2 checks this only for a
        // non-zero new counter; a counter that falls back to zero is refused here. mpcsign refuses rather than flags:
        // an approval releases a signature.
        var count = verified.SignCount;
        if ((count != 0 || storedSignCount != 0) && count <= storedSignCount)
            return AssertionResult.Fail(AuthNError.SignCountNotIncreased,
                $"authenticator signCount {count} is not greater than the stored {storedSignCount}: the assertion was " +
                "replayed or the authenticator was cloned (WebAuthn L3 section 7.2 step 22). Make a fresh assertion; " +
                "if this repeats, revoke and re-enroll the credential.");
        return AssertionResult.Success(count);
    }

    /// <summary>rpIdHash: SHA-256 of the RP id's UTF-8 bytes (section 6.1).</summary>
    public static byte[] RpIdHash(string rpId) => Hashes.Sha256(Encoding.UTF8.GetBytes(rpId));
}
