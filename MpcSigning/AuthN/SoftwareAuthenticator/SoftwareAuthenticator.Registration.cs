using System.Buffers.Text;
using System.Formats.Cbor;
using System.Text.Json;
using Fido2NetLib;
using Fido2NetLib.Objects;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Crypto;

namespace MpcSigning.AuthN.Software;

/// <summary>The attestation statement a software authenticator gives at registration (WebAuthn L3 section 8).</summary>
public enum SoftwareAttestation
{
    /// <summary>Format "none": no statement (section 8.7), what most passkeys send.</summary>
    None,
    /// <summary>Format "packed" with self attestation (section 8.2): signed by the credential key itself, no certificate.</summary>
    PackedSelf,
}

public sealed partial class SoftwareAuthenticator
{
    /// <summary>The AAGUID this authenticator reports: it names "mpcsign software authenticator" as a model.</summary>
    public static readonly Guid Aaguid = new("6d706373-6967-6e2d-736f-667477617265");

    /// <summary>
    /// Answers <c>navigator.credentials.create</c> with <paramref name="optionsJson"/> (a relying party's
    /// PublicKeyCredentialCreationOptions, as <see cref="Passkeys.PasskeyCeremonies.BeginRegistration"/> gives them) from
    /// <paramref name="origin"/>, with this authenticator's existing credential. Returns the PublicKeyCredential JSON a
    /// browser's <c>credential.toJSON()</c> gives: rawId, response.clientDataJSON and response.attestationObject (CBOR:
    /// fmt, attStmt, authData with the attested credential data and COSE key), base64url. The counter is not advanced.
    /// </summary>
    /// <param name="flags">Flags to report besides AT; tests use others (UV clear, BE set).</param>
    /// <param name="aaguid">AAGUID to report; default <see cref="Aaguid"/>.</param>
    /// <exception cref="AuthNException">The options are malformed, offer none of this credential's algorithm, exclude
    /// this credential, or name an RP ID the origin may not use; or the file is unusable.</exception>
    public string Register(string optionsJson, string origin, SoftwareAttestation attestation = SoftwareAttestation.None,
        AuthenticatorFlags flags = Flags, Guid? aaguid = null)
    {
        CredentialCreateOptions options;
        try
        {
            options = CredentialCreateOptions.FromJson(optionsJson ?? "");
        }
        catch (Exception e) when (e is JsonException or ArgumentException or FormatException or NotSupportedException or InvalidOperationException)
        {
            options = null!;
        }
        if (options?.Challenge is not { Length: > 0 } || options.Rp?.Id is not { Length: > 0 } rpId || options.PubKeyCredParams is null)
            throw new AuthNException(AuthNError.RegistrationMalformed,
                "the registration options are not PublicKeyCredentialCreationOptions JSON with rp.id, challenge and pubKeyCredParams; " +
                "pass the options_json the node's BeginRegistration returned, unchanged.");
        var alg = SoftwareAlgorithms.CoseAlgorithm(Algorithm);
        if (!options.PubKeyCredParams.Any(p => (int)p.Alg == alg))
            throw new AuthNException(AuthNError.AlgorithmNotSupported,
                $"the relying party does not accept {Algorithm} (COSE {alg}) credentials; create an authenticator with one it offers.");
        if (options.ExcludeCredentials?.Any(c => c.Id is { } id && Hashes.FixedTimeEquals(id, _credentialId)) == true)
            throw new AuthNException(AuthNError.DuplicateCredential,
                "the relying party already has this credential (excludeCredentials); it is enrolled.");
        // What a browser checks (WebAuthn L3 section 5.1.3 step 8): the RP ID is the origin's host or a domain above it.
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var o) || !(o.Host == rpId || o.Host.EndsWith("." + rpId, StringComparison.Ordinal)))
            throw new AuthNException(AuthNError.OriginNotAllowed,
                $"origin '{origin}' may not register credentials for RP ID '{rpId}'; use the relying party's own origin.");

        var clientData = ClientDataJson("webauthn.create", options.Challenge, origin);
        var authData = new AuthenticatorData(AssertionVerifier.RpIdHash(rpId), flags | AuthenticatorFlags.AT, SignCount,
            new AttestedCredentialData(aaguid ?? Aaguid, _credentialId, new CredentialPublicKey(_publicKeyCose)), null).ToByteArray();

        // The attestation object (section 6.5.4), CTAP2 canonical CBOR: keys by length, then bytewise.
        var w = new CborWriter(CborConformanceMode.Ctap2Canonical);
        w.WriteStartMap(3);
        w.WriteTextString("fmt");
        w.WriteTextString(attestation == SoftwareAttestation.None ? "none" : "packed");
        w.WriteTextString("attStmt");
        if (attestation == SoftwareAttestation.None)
        {
            w.WriteStartMap(0);
            w.WriteEndMap();
        }
        else
        {
            // Section 8.2 self attestation: alg and sig over authenticatorData || clientDataHash with the credential key.
            var sig = WithKey(file => SoftwareAlgorithms.Sign(file.Algorithm, file.PrivateKeyPkcs8, [.. authData, .. Hashes.Sha256(clientData)]));
            w.WriteStartMap(2);
            w.WriteTextString("alg");
            w.WriteInt32(alg);
            w.WriteTextString("sig");
            w.WriteByteString(sig);
            w.WriteEndMap();
        }
        w.WriteTextString("authData");
        w.WriteByteString(authData);
        w.WriteEndMap();
        var attestationObject = w.Encode();

        using var stream = new MemoryStream();
        using (var j = new Utf8JsonWriter(stream))
        {
            j.WriteStartObject();
            j.WriteString("id", Base64Url.EncodeToString(_credentialId));
            j.WriteString("rawId", Base64Url.EncodeToString(_credentialId));
            j.WriteString("type", "public-key");
            j.WriteStartObject("response");
            j.WriteString("clientDataJSON", Base64Url.EncodeToString(clientData));
            j.WriteString("attestationObject", Base64Url.EncodeToString(attestationObject));
            j.WriteStartArray("transports");
            j.WriteStringValue("internal");
            j.WriteEndArray();
            j.WriteEndObject();
            j.WriteStartObject("clientExtensionResults");
            j.WriteEndObject();
            j.WriteString("authenticatorAttachment", "platform");
            j.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
