using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Fido2NetLib;
using Fido2NetLib.Objects;
using Fido2NetLib.Serialization;
using Google.Protobuf;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Proto.AuthN;

namespace MpcSigning.AuthN.Passkeys;

/// <summary>
/// The WebAuthn ceremonies of the relying party, done by Fido2 (WebAuthn L3 section 7.1 registration; the options
/// of section 7.2 authentication, whose verification is <see cref="Approvals.Admit"/>). A browser and the software
/// authenticator go through the same calls. Pending registrations are kept in memory: at most
/// <see cref="MaxPendingCeremonies"/>, each usable once and for <see cref="CeremonyLifetime"/>. Thread-safe.
/// </summary>
public sealed class PasskeyCeremonies
{
    /// <summary>How long a started registration may be completed.</summary>
    public static readonly TimeSpan CeremonyLifetime = TimeSpan.FromMinutes(5);

    /// <summary>At most this many registrations are pending at once; more are refused until some expire.</summary>
    public const int MaxPendingCeremonies = 1000;

    private sealed record Pending(CredentialCreateOptions Options, string Name, string Email, Role Role, DateTimeOffset Expires);

    private readonly RelyingParty _rp;
    private readonly AttestationPolicy _policy;
    private readonly TimeProvider _clock;
    private readonly Fido2 _fido2;
    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public PasskeyCeremonies(RelyingParty rp, AttestationPolicy policy, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(rp);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(clock);
        _rp = rp;
        _policy = policy;
        _clock = clock;
        _fido2 = new Fido2(Fido2Config(rp));
    }

    /// <summary>The relying party these ceremonies are for.</summary>
    public RelyingParty RelyingParty => _rp;

    /// <summary>The attestation policy registrations are held to.</summary>
    public AttestationPolicy Policy => _policy;

    /// <summary>The algorithms offered to authenticators, in order of preference: ES256, EdDSA, RS256.</summary>
    public static IReadOnlyList<PubKeyCredParam> Algorithms { get; } = [PubKeyCredParam.ES256, PubKeyCredParam.Ed25519, PubKeyCredParam.RS256];

    /// <summary>
    /// Fido2's configuration for a relying party. Registration: its origins only, never in a cross-origin frame.
    /// Assertions (<paramref name="framed"/>): Fido2 checks a topOrigin against the same set as the origin, so the
    /// configured top origins join it and StrictEncoding holds origin and topOrigin each to their own list.
    /// </summary>
    internal static Fido2Configuration Fido2Config(RelyingParty rp, bool framed = false) => new()
    {
        RPID = rp.RpId,
        RPName = "mpcsign",
        Origins = new HashSet<string>(framed ? rp.AllowedOrigins.Concat(rp.AllowedTopOrigins) : rp.AllowedOrigins, StringComparer.Ordinal),
        AllowCrossOriginRequests = framed && rp.AllowedTopOrigins.Count > 0,
        ChallengeSize = 32,
    };

    /// <summary>
    /// Starts registering a passkey for <paramref name="name"/>, <paramref name="email"/> as <paramref name="role"/>
    /// (chosen by the caller, never by the authenticator's answer).
    /// </summary>
    /// <exception cref="AuthNException">Invalid name, email or role, or too many ceremonies pending.</exception>
    public RegistrationStart BeginRegistration(string name, string email, Role role)
    {
        var normalizedEmail = ParticipantEmail.TryNormalize(email, out var bad)
            ?? throw new AuthNException(AuthNError.InvalidEmail, bad);
        var trimmed = (name ?? "").Trim();
        if (trimmed.Length == 0 || Registry.ParticipantValidation.NameProblem(trimmed) is not null)
            throw new AuthNException(AuthNError.InvalidName,
                $"registration for '{normalizedEmail}' needs a plain display name, e.g. 'Alice' " +
                $"({(trimmed.Length == 0 ? "it is empty" : "it " + Registry.ParticipantValidation.NameProblem(trimmed))}).");
        if (!RoleNames.IsValid(role))
            throw new AuthNException(AuthNError.InvalidRole,
                $"registration for '{normalizedEmail}' has role {RoleNames.ToName(role)}; use '{RoleNames.Engineer}' or '{RoleNames.Steward}'.");

        var options = _fido2.RequestNewCredential(new RequestNewCredentialParams
        {
            // A random user handle: it identifies the account to the authenticator and carries no personal data.
            User = new Fido2User { Id = RandomNumberGenerator.GetBytes(32), Name = normalizedEmail, DisplayName = trimmed },
            ExcludeCredentials = [],
            AuthenticatorSelection = new AuthenticatorSelection
            {
                ResidentKey = ResidentKeyRequirement.Preferred,
                UserVerification = _policy.RequireUserVerification ? UserVerificationRequirement.Required : UserVerificationRequirement.Preferred,
            },
            // Ask for an attestation statement only when the policy looks at it.
            AttestationPreference = _policy.AllowNoneAttestation && _policy.AllowedAaguids.Count == 0
                ? AttestationConveyancePreference.None : AttestationConveyancePreference.Direct,
            PubKeyCredParams = Algorithms,
        });
        var id = RandomNumberGenerator.GetBytes(16);
        var now = _clock.GetUtcNow();
        lock (_lock)
        {
            foreach (var expired in _pending.Where(p => p.Value.Expires <= now).Select(p => p.Key).ToList()) _pending.Remove(expired);
            if (_pending.Count >= MaxPendingCeremonies)
                throw new AuthNException(AuthNError.TooManyRegistrations,
                    $"{MaxPendingCeremonies} registrations are already in progress on this node; try again in a few minutes.");
            _pending[Convert.ToHexString(id)] = new Pending(options, trimmed, normalizedEmail, role, now + CeremonyLifetime);
        }
        return new RegistrationStart(id, options.ToJson());
    }

    /// <summary>
    /// Verifies the authenticator's answer to <see cref="BeginRegistration"/> (Fido2: client data, RP ID hash, flags,
    /// algorithm, attestation statement), then the attestation policy. The ceremony is used up whatever the outcome.
    /// Returns the participant to enrol, not yet stored.
    /// </summary>
    public async Task<RegistrationOutcome> CompleteRegistration(byte[] ceremonyId, string attestationResponseJson)
    {
        ArgumentNullException.ThrowIfNull(ceremonyId);
        Pending? pending;
        var now = _clock.GetUtcNow();
        lock (_lock)
        {
            var key = Convert.ToHexString(ceremonyId);
            if (_pending.Remove(key, out pending) && pending.Expires <= now)
                return RegistrationOutcome.Refuse(AuthNError.RegistrationExpired,
                    $"the registration for '{pending.Email}' expired ({CeremonyLifetime.TotalMinutes:0} minutes); start it again.");
        }
        if (pending is null)
            return RegistrationOutcome.Refuse(AuthNError.RegistrationUnknown,
                "no registration with this ceremony id is in progress on this node (it was completed, expired or never started); start it again.");

        AuthenticatorAttestationRawResponse? raw;
        try
        {
            raw = JsonSerializer.Deserialize<AuthenticatorAttestationRawResponse>(attestationResponseJson ?? "");
        }
        catch (Exception e) when (e is JsonException or FormatException or NotSupportedException or ArgumentException)
        {
            raw = null;
        }
        if (raw?.Response?.AttestationObject is not { Length: > 0 } || raw.Response.ClientDataJson is not { Length: > 0 } || raw.RawId is not { Length: > 0 })
            return RegistrationOutcome.Refuse(AuthNError.RegistrationMalformed,
                $"the registration answer for '{pending.Email}' is not a PublicKeyCredential JSON with rawId, response.clientDataJSON " +
                "and response.attestationObject (base64url); send credential.toJSON() of the create() result.");

        RegisteredPublicKeyCredential credential;
        try
        {
            credential = await _fido2.MakeNewCredentialAsync(new MakeNewCredentialParams
            {
                AttestationResponse = raw,
                OriginalOptions = pending.Options,
                // Uniqueness is the registry's: Enroll refuses a credential id enrolled for someone else.
                IsCredentialIdUniqueToUserCallback = (_, _) => Task.FromResult(true),
            }).ConfigureAwait(false);
        }
        catch (Exception e) when (Fido2Errors.IsVerificationFailure(e))
        {
            var (code, why) = Fido2Errors.Explain(e, _rp, registration: true);
            return RegistrationOutcome.Refuse(code, $"registration for '{pending.Email}' refused: {why}");
        }

        var format = credential.AttestationFormat ?? "";
        if (format == "none" && !_policy.AllowNoneAttestation)
            return RegistrationOutcome.Refuse(AuthNError.AttestationNoneNotAllowed,
                $"registration for '{pending.Email}' refused: the authenticator sent no attestation (format 'none') and this node " +
                "requires one (WebAuthn:AllowNoneAttestation=false); use an authenticator that attests, or allow 'none'.");
        if (_policy.AllowedAaguids.Count > 0 && !_policy.AllowedAaguids.Contains(credential.AaGuid))
            return RegistrationOutcome.Refuse(AuthNError.AaguidNotAllowed,
                $"registration for '{pending.Email}' refused: authenticator model (AAGUID) {credential.AaGuid} is not in " +
                "WebAuthn:AllowedAaguids; use an allowed authenticator, or add its AAGUID to the configuration.");
        var spki = CoseKeys.ToSpki(credential.PublicKey, out _, out var keyProblem);
        if (spki is null)
            return RegistrationOutcome.Refuse(AuthNError.PublicKeyInvalid,
                $"registration for '{pending.Email}' refused: {keyProblem}; register an ES256, EdDSA or RS256 credential.");

        return new RegistrationOutcome(true, AuthNError.None, $"passkey for '{pending.Email}' verified", new Participant
        {
            Name = pending.Name, Email = pending.Email, Role = pending.Role,
            CredentialId = ByteString.CopyFrom(credential.Id),
            CredentialPublicKeyCose = ByteString.CopyFrom(credential.PublicKey),
            PublicKeySpki = ByteString.CopyFrom(spki),
            SignCount = credential.SignCount,
            BackupEligible = credential.IsBackupEligible,
            BackedUp = credential.IsBackedUp,
            Aaguid = ByteString.CopyFrom(credential.AaGuid.ToByteArray(bigEndian: true)),
            AttestationFormat = format,
            UserHandle = ByteString.CopyFrom(pending.Options.User.Id),
            RegisteredAtUnixMs = now.ToUnixTimeMilliseconds(),
        });
    }

    /// <summary>
    /// PublicKeyCredentialRequestOptions JSON for navigator.credentials.get over <paramref name="challenge"/> (e.g. an
    /// <see cref="ApprovalChallenge"/>), limited to <paramref name="allowCredentialIds"/> (empty: any discoverable
    /// credential), with userVerification per the policy and this relying party's id.
    /// </summary>
    public string AssertionOptionsJson(byte[] challenge, IEnumerable<byte[]> allowCredentialIds)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(allowCredentialIds);
        var allowed = allowCredentialIds.Select(id => new PublicKeyCredentialDescriptor(id)).ToList();
        var uv = _policy.RequireUserVerification ? UserVerificationRequirement.Required : UserVerificationRequirement.Preferred;
        return AssertionOptions.Create(Fido2Config(_rp), challenge, allowed, uv, null).ToJson();
    }

    /// <summary>
    /// The raw assertion of a browser's <c>credential.toJSON()</c> for a get() result (id, rawId, type,
    /// response.{clientDataJSON, authenticatorData, signature, userHandle}, base64url).
    /// </summary>
    /// <exception cref="AuthNException">The JSON is not such an object.</exception>
    public static Assertion AssertionFromJson(string json)
    {
        AuthenticatorAssertionRawResponse? raw;
        try
        {
            raw = JsonSerializer.Deserialize(json ?? "", FidoModelSerializerContext.Default.AuthenticatorAssertionRawResponse);
        }
        catch (Exception e) when (e is JsonException or FormatException or NotSupportedException or ArgumentException)
        {
            raw = null;
        }
        if (raw?.Response is not { AuthenticatorData.Length: > 0, ClientDataJson.Length: > 0, Signature.Length: > 0 } r ||
            raw.RawId is not { Length: > 0 })
            throw new AuthNException(AuthNError.AssertionIncomplete,
                "the assertion is not a PublicKeyCredential JSON with rawId, response.authenticatorData, response.clientDataJSON and " +
                "response.signature (base64url); send credential.toJSON() of the get() result.");
        if (raw.Id is { Length: > 0 } id && id != Base64Url.EncodeToString(raw.RawId))
            throw new AuthNException(AuthNError.AssertionIncomplete,
                "the assertion's id is not the base64url encoding of its rawId; send credential.toJSON() unchanged.");
        return new Assertion
        {
            CredentialId = ByteString.CopyFrom(raw.RawId),
            AuthenticatorData = ByteString.CopyFrom(r.AuthenticatorData),
            ClientDataJson = ByteString.CopyFrom(r.ClientDataJson),
            Signature = ByteString.CopyFrom(r.Signature),
            UserHandle = r.UserHandle is { } h ? ByteString.CopyFrom(h) : ByteString.Empty,
        };
    }
}
