using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Text.Json;
using Fido2NetLib;
using Fido2NetLib.Exceptions;
using MpcSigning.AuthN.WebAuthn;

namespace MpcSigning.AuthN.Passkeys;

/// <summary>
/// Fido2's refusals in mpcsign's terms: each <see cref="Fido2ErrorCode"/> becomes an <see cref="AuthNError"/> and a
/// one-line message saying what was wrong, where (the WebAuthn L3 step) and how to fix it. Fido2's own text is not
/// shown: it may quote attacker-chosen input at length.
/// </summary>
internal static class Fido2Errors
{
    /// <summary>Exceptions that mean "this input does not verify", as opposed to a bug: Fido2's own, and what its parsers let through on garbage.</summary>
    /// <summary>Attacker-chosen text goes into messages and logs: keep it short and free of control characters.</summary>
    public static string Clip(string s)
    {
        var shown = s.Length <= 64 ? s : s[..64] + "...";
        return string.Concat(shown.Select(ch => char.IsControl(ch) ? '?' : ch));
    }

    public static bool IsVerificationFailure(Exception e) =>
        e is Fido2VerificationException or CborContentException or CryptographicException or FormatException or JsonException
            or ArgumentException or InvalidOperationException or OverflowException or IndexOutOfRangeException or NotSupportedException;

    /// <param name="origin">C.origin as parsed, quoted (clipped) in the message when the origin is refused.</param>
    public static (AuthNError Code, string Message) Explain(Exception e, RelyingParty rp, bool registration, string? origin = null)
    {
        var ceremony = registration ? "navigator.credentials.create" : "navigator.credentials.get";
        var step = registration ? "7.1" : "7.2";
        if (e is not Fido2VerificationException f)
            return (registration ? AuthNError.RegistrationMalformed : AuthNError.AuthenticatorDataTruncated,
                $"the authenticator's answer is malformed ({e.GetType().Name}); send the {ceremony} result unchanged.");
        return f.Code switch
        {
            Fido2ErrorCode.InvalidAuthenticatorResponseChallenge or Fido2ErrorCode.MissingAuthenticatorResponseChallenge =>
                (AuthNError.ChallengeMismatch,
                    $"clientDataJSON.challenge is not the challenge issued (section {step}): the answer belongs to another ceremony; start again."),
            Fido2ErrorCode.InvalidAuthenticatorResponseOrigin or Fido2ErrorCode.MissingAuthenticatorResponseOrigin =>
                (AuthNError.OriginNotAllowed,
                    $"clientDataJSON.origin {(origin is null ? "" : $"'{Clip(origin)}' ")}is not an allowed origin of relying party '{rp.RpId}' " +
                    $"(section {step}); approve from {string.Join(" or ", rp.AllowedOrigins)}, or add the origin to the configuration (RelyingParty:Origin)."),
            Fido2ErrorCode.CrossOriginRequestNotAllowed or Fido2ErrorCode.InvalidAuthenticatorResponseTopOrigin =>
                (AuthNError.CrossOriginNotAllowed,
                    $"the ceremony ran in a cross-origin frame this relying party does not expect (section {step}); open the page directly."),
            Fido2ErrorCode.InvalidRpidHash =>
                (AuthNError.RpIdHashMismatch,
                    $"authenticatorData.rpIdHash is not SHA-256 of relying party id '{rp.RpId}' (section {step}): the credential is for " +
                    "another site; use rpId set to this relying party."),
            Fido2ErrorCode.UserPresentFlagNotSet =>
                (AuthNError.UserNotPresent,
                    $"authenticatorData does not set UP, so no user was present (section {step}); touch the authenticator when it asks."),
            Fido2ErrorCode.UserVerificationRequirementNotMet =>
                (AuthNError.UserNotVerified,
                    $"authenticatorData does not set UV but this relying party requires user verification (section {step}); " +
                    "use userVerification 'required' and unlock the authenticator (PIN or biometric)."),
            Fido2ErrorCode.InvalidBackupFlags or Fido2ErrorCode.BackupEligibilityRequirementNotMet or Fido2ErrorCode.BackupStateRequirementNotMet =>
                (AuthNError.BackupStateInconsistent,
                    $"authenticatorData's backup flags are not acceptable (BS set without BE, or a policy on BE/BS; section {step}); " +
                    "the authenticator data is corrupt or the authenticator is not allowed."),
            Fido2ErrorCode.InvalidSignature =>
                (AuthNError.SignatureInvalid,
                    $"the signature does not verify over authenticatorData || SHA-256(clientDataJSON) with the credential key (section {step}): " +
                    "the answer was altered or signed by another key; try again with the enrolled authenticator."),
            Fido2ErrorCode.InvalidSignCount =>
                (AuthNError.SignCountNotIncreased,
                    "authenticator signCount is not greater than the stored one: the assertion was replayed or the authenticator was " +
                    "cloned (section 7.2 step 22); make a fresh assertion, and if this repeats revoke and re-enroll the credential."),
            Fido2ErrorCode.UnimplementedAlgorithm or Fido2ErrorCode.CredentialAlgorithmRequirementNotMet =>
                (AuthNError.AlgorithmNotSupported,
                    "the credential's algorithm is not one this relying party accepts (ES256, EdDSA, RS256); register a credential with one of them."),
            Fido2ErrorCode.InvalidCredentialPublicKey or Fido2ErrorCode.MissingStoredPublicKey =>
                (AuthNError.PublicKeyInvalid,
                    "the credential public key is missing or not a valid COSE key (ES256, EdDSA, RS256); re-enroll the credential."),
            Fido2ErrorCode.MalformedExtensionsDetected or Fido2ErrorCode.UnexpectedExtensionsDetected or Fido2ErrorCode.UnexpectedExtensions =>
                (AuthNError.ExtensionsMalformed,
                    $"authenticatorData's ED flag and extensions disagree (section {step}); the authenticator data is corrupt."),
            Fido2ErrorCode.MissingAuthenticatorData or Fido2ErrorCode.InvalidAuthenticatorData or Fido2ErrorCode.InvalidAttestedCredentialData
                or Fido2ErrorCode.AttestedCredentialDataFlagNotSet =>
                (AuthNError.AuthenticatorDataTruncated,
                    $"authenticatorData is malformed (too short, or its flags and contents disagree; section 6.1); send it unchanged."),
            Fido2ErrorCode.InvalidAttestation or Fido2ErrorCode.InvalidAttestationObject or Fido2ErrorCode.MalformedAttestationObject
                or Fido2ErrorCode.MissingAttestationObject or Fido2ErrorCode.UnknownAttestationType or Fido2ErrorCode.MissingAttestationType
                or Fido2ErrorCode.InvalidCertificateChain or Fido2ErrorCode.AaGuidNotFound or Fido2ErrorCode.UndesiredMetadataStatus =>
                (AuthNError.AttestationInvalid,
                    "the attestation object or statement does not verify (section 7.1 steps 19-21); register again with the authenticator's unchanged answer."),
            Fido2ErrorCode.MalformedAuthenticatorResponse =>
                (AuthNError.ClientDataMalformed,
                    "clientDataJSON is not a JSON object with type, challenge and origin (section 5.8.1); send it unchanged."),
            Fido2ErrorCode.InvalidAuthenticatorResponse when e.Message.StartsWith("Type must be", StringComparison.Ordinal) =>
                (AuthNError.ClientDataWrongType,
                    $"clientDataJSON.type is neither 'webauthn.get' nor 'webauthn.create' (section {step}); use {ceremony}."),
            Fido2ErrorCode.InvalidAssertionResponse when e.Message.Contains("webauthn.get", StringComparison.Ordinal) =>
                (AuthNError.ClientDataWrongType,
                    "clientDataJSON.type is not 'webauthn.get' (section 7.2): a registration was replayed as an approval; approve with navigator.credentials.get."),
            Fido2ErrorCode.InvalidAttestationResponse when e.Message.Contains("webauthn.create", StringComparison.Ordinal) =>
                (AuthNError.ClientDataWrongType,
                    "clientDataJSON.type is not 'webauthn.create' (section 7.1): an assertion was sent as a registration; register with navigator.credentials.create."),
            Fido2ErrorCode.InvalidAssertionResponse when e.Message.Contains("UserHandle", StringComparison.OrdinalIgnoreCase) =>
                (AuthNError.UserHandleMismatch,
                    "the assertion's userHandle is not the one registered with this credential (section 7.2 step 6); approve with the enrolled passkey."),
            Fido2ErrorCode.InvalidAssertionResponse =>
                (AuthNError.CredentialIdMismatch,
                    "the assertion is not a public-key credential for the enrolled credential id (section 7.2 step 5); approve with the enrolled passkey."),
            _ =>
                (registration ? AuthNError.AttestationInvalid : AuthNError.ClientDataMalformed,
                    $"the authenticator's answer does not verify ({f.Code}); repeat the {ceremony} ceremony with an unchanged answer."),
        };
    }
}
