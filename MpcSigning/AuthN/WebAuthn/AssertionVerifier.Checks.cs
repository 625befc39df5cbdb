using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using MpcSigning.Crypto;
using MpcSigning.Proto.AuthN;

namespace MpcSigning.AuthN.WebAuthn;

public static partial class AssertionVerifier
{
    /// <summary>Steps 9-14. Returns null when clientDataJSON is acceptable.</summary>
    private static AssertionResult? CheckClientData(ReadOnlySpan<byte> json, byte[] expectedChallenge, RelyingParty rp)
    {
        var c = ClientData.Parse(json, out var code, out var message);
        if (c is null) return AssertionResult.Fail(code, message);
        // Step 11: exactly "webauthn.get"; "webauthn.create" would be a registration replayed as an approval.
        if (!string.Equals(c.Type, ClientData.AssertionType, StringComparison.Ordinal))
            return AssertionResult.Fail(AuthNError.ClientDataWrongType,
                $"clientDataJSON.type is '{Clip(c.Type)}', expected '{ClientData.AssertionType}' (step 11); " +
                "approve with navigator.credentials.get, not create.");
        // Step 12: compare the canonical base64url (no padding) text in constant time, so no lenient decoding
        // (padding, '+/' alphabet, trailing bits) can make two different strings match.
        var expected = Encoding.ASCII.GetBytes(Base64Url.EncodeToString(expectedChallenge));
        if (!Hashes.FixedTimeEquals(Encoding.UTF8.GetBytes(c.Challenge), expected))
            return AssertionResult.Fail(AuthNError.ChallengeMismatch,
                "clientDataJSON.challenge is not this session's challenge (step 12): the assertion was made for another " +
                "session or artifact. Approve again from the current request.");
        // Step 13: exact origin match against the configured list.
        if (!rp.AllowedOrigins.Contains(c.Origin, StringComparer.Ordinal))
            return AssertionResult.Fail(AuthNError.OriginNotAllowed,
                $"clientDataJSON.origin '{Clip(c.Origin)}' is not an allowed origin of relying party '{rp.RpId}' (step 13); " +
                $"approve from {string.Join(" or ", rp.AllowedOrigins)}, or add the origin to the configuration.");
        // Step 14: a framed ceremony is accepted only from a configured top-level origin.
        if (c.CrossOrigin || c.TopOrigin is not null)
        {
            if (!c.CrossOrigin || c.TopOrigin is null || !rp.AllowedTopOrigins.Contains(c.TopOrigin, StringComparer.Ordinal))
                return AssertionResult.Fail(AuthNError.CrossOriginNotAllowed,
                    $"the approval ran in a cross-origin frame (crossOrigin {c.CrossOrigin}, topOrigin '{Clip(c.TopOrigin ?? "")}') " +
                    "that the relying party does not expect (step 14); open the approval page directly.");
        }
        return null;
    }

    /// <summary>Steps 15-18. Returns null when the parsed authenticatorData is acceptable.</summary>
    private static AssertionResult? CheckAuthenticatorData(AuthenticatorData a, RelyingParty rp)
    {
        if (!Hashes.FixedTimeEquals(a.RpIdHash.Span, RpIdHash(rp.RpId)))
            return AssertionResult.Fail(AuthNError.RpIdHashMismatch,
                $"authenticatorData.rpIdHash is not SHA-256 of relying party id '{rp.RpId}' (step 15): the credential " +
                "was used for another site. Approve with rpId set to this relying party.");
        if (!a.Has(AuthenticatorFlags.UserPresent))
            return AssertionResult.Fail(AuthNError.UserNotPresent,
                "authenticatorData does not set UP, so no user was present (step 16); touch the authenticator when it asks.");
        if (rp.RequireUserVerification && !a.Has(AuthenticatorFlags.UserVerified))
            return AssertionResult.Fail(AuthNError.UserNotVerified,
                "authenticatorData does not set UV but this relying party requires user verification (step 17); " +
                "approve with userVerification 'required' and unlock the authenticator (PIN or biometric).");
        if (a.Has(AuthenticatorFlags.BackupState) && !a.Has(AuthenticatorFlags.BackupEligible))
            return AssertionResult.Fail(AuthNError.BackupStateInconsistent,
                "authenticatorData sets BS (backed up) without BE (backup eligible), which no valid authenticator " +
                "does (step 18); the authenticator data is corrupt.");
        return null;
    }

    /// <summary>Steps 21-22: ES256 (ECDSA P-256 with SHA-256), signature DER-encoded per RFC 3279 / WebAuthn section 6.5.6.</summary>
    private static AssertionResult? CheckSignature(Assertion assertion, byte[] spki)
    {
        using var key = ImportP256(spki);
        if (key is null)
            return AssertionResult.Fail(AuthNError.PublicKeyInvalid,
                "the enrolled credential public key is not a P-256 SubjectPublicKeyInfo; re-enroll the participant " +
                "with an ES256 credential.");
        var authData = assertion.AuthenticatorData.Span;
        var signed = new byte[authData.Length + 32];
        authData.CopyTo(signed);
        Hashes.Sha256(assertion.ClientDataJson.Span).CopyTo(signed, authData.Length);
        if (!key.VerifyData(signed, assertion.Signature.Span, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))
            return AssertionResult.Fail(AuthNError.SignatureInvalid,
                "the assertion signature does not verify over authenticatorData || SHA-256(clientDataJSON) with the " +
                "enrolled key (step 22): the assertion was altered or signed by another key. Approve again.");
        return null;
    }

    /// <summary>The key if <paramref name="spki"/> is a well-formed P-256 SubjectPublicKeyInfo, else null.</summary>
    internal static ECDsa? ImportP256(ReadOnlySpan<byte> spki)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(spki, out var read);
            // Only the canonical DER encoding: a non-zero BIT STRING "unused bits" count, for one, still decodes to the
            // same key, and recorded evidence must not be malleable.
            if (read == spki.Length && key.ExportParameters(false).Curve.Oid.Value == ECCurve.NamedCurves.nistP256.Oid.Value &&
                key.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(spki))
                return key;
        }
        catch (Exception e) when (e is CryptographicException or PlatformNotSupportedException)
        {
            // OpenSSL reports a point that is not on the curve as an unsupported curve: both mean "not a P-256 key".
        }
        key.Dispose();
        return null;
    }

    /// <summary>Attacker-chosen text goes into messages and logs: keep it short and free of control characters.</summary>
    private static string Clip(string s)
    {
        var shown = s.Length <= 64 ? s : s[..64] + "...";
        return string.Concat(shown.Select(ch => char.IsControl(ch) ? '?' : ch));
    }
}
