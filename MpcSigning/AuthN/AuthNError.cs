namespace MpcSigning.AuthN;

/// <summary>
/// Every way the AuthN module refuses something. One enum for the module (STYLE 6); the accompanying message
/// always says what was wrong, where, and how to fix it. Values are stable: they may be logged and persisted.
/// </summary>
public enum AuthNError
{
    /// <summary>Nothing was wrong.</summary>
    None = 0,

    // --- Assertion structure (WebAuthn L3 section 5.2.2, AuthenticatorAssertionResponse) ---
    /// <summary>A required assertion field (credential id, authenticatorData, clientDataJSON, signature) is empty.</summary>
    AssertionIncomplete = 1,
    /// <summary>The assertion names a credential other than the participant's (section 7.2 steps 5-7).</summary>
    CredentialIdMismatch = 2,

    // --- clientDataJSON (section 7.2 steps 9-14, section 5.8.1 CollectedClientData) ---
    /// <summary>clientDataJSON is not valid UTF-8 (step 9).</summary>
    ClientDataNotUtf8 = 10,
    /// <summary>clientDataJSON is not a JSON object with string type/challenge/origin members (step 10).</summary>
    ClientDataMalformed = 11,
    /// <summary>C.type is not exactly "webauthn.get" (step 11).</summary>
    ClientDataWrongType = 12,
    /// <summary>C.challenge is not the base64url encoding of the expected challenge (step 12).</summary>
    ChallengeMismatch = 13,
    /// <summary>C.origin is not one of the relying party's origins (step 13).</summary>
    OriginNotAllowed = 14,
    /// <summary>The ceremony ran in a cross-origin iframe the relying party does not expect (step 14).</summary>
    CrossOriginNotAllowed = 15,

    // --- authenticatorData (section 6.1, section 7.2 steps 15-20) ---
    /// <summary>authenticatorData is shorter than its 37-byte header or than what its flags announce.</summary>
    AuthenticatorDataTruncated = 20,
    /// <summary>rpIdHash is not SHA-256 of the relying party id (step 15).</summary>
    RpIdHashMismatch = 21,
    /// <summary>The UP flag is clear: nobody touched the authenticator (step 16).</summary>
    UserNotPresent = 22,
    /// <summary>The UV flag is clear while the relying party requires user verification (step 17).</summary>
    UserNotVerified = 23,
    /// <summary>BS is set while BE is clear (step 18).</summary>
    BackupStateInconsistent = 24,
    /// <summary>The AT flag and the attested credential data disagree (section 6.5.1).</summary>
    AttestedDataInconsistent = 25,
    /// <summary>The ED flag and the extension map disagree, or bytes follow the last announced field (step 20).</summary>
    ExtensionsMalformed = 26,

    // --- Signature and counter (steps 21-23) ---
    /// <summary>The stored credential public key is not a P-256 SubjectPublicKeyInfo.</summary>
    PublicKeyInvalid = 30,
    /// <summary>The ES256 signature over authenticatorData || SHA-256(clientDataJSON) does not verify (step 22).</summary>
    SignatureInvalid = 31,
    /// <summary>signCount did not increase: a replayed assertion or a cloned authenticator (step 23).</summary>
    SignCountNotIncreased = 32,
    /// <summary>Another approval advanced the counter first; the assertion raced a concurrent one.</summary>
    SignCountRace = 33,
    /// <summary>The BE flag differs from the one registered: backup eligibility never changes (section 7.2 step 19).</summary>
    BackupEligibilityChanged = 34,
    /// <summary>The user handle returned is not the one registered for this credential (section 7.2 step 6).</summary>
    UserHandleMismatch = 35,
    /// <summary>The credential's algorithm is not ES256, EdDSA or RS256, or the key does not match it.</summary>
    AlgorithmNotSupported = 36,

    // --- Participants and the registry ---
    /// <summary>The email is empty or not of the form local@domain.</summary>
    InvalidEmail = 40,
    /// <summary>The display name is empty.</summary>
    InvalidName = 41,
    /// <summary>The role is neither engineer nor steward.</summary>
    InvalidRole = 42,
    /// <summary>The credential id length is outside 16..1023 bytes.</summary>
    InvalidCredentialId = 43,
    /// <summary>The email is already enrolled with a different credential, name or role.</summary>
    DuplicateEmail = 44,
    /// <summary>The credential id is already enrolled for another participant.</summary>
    DuplicateCredential = 45,
    /// <summary>No participant is enrolled under this email.</summary>
    UnknownParticipant = 46,
    /// <summary>The participant's role is not the one this approval needs.</summary>
    WrongRole = 47,

    // --- Registration (section 7.1) ---
    /// <summary>No registration ceremony with this id is pending (completed, never started, or node restarted).</summary>
    RegistrationUnknown = 50,
    /// <summary>The registration ceremony expired before it was completed.</summary>
    RegistrationExpired = 51,
    /// <summary>The registration answer is not a PublicKeyCredential JSON with an attestation object.</summary>
    RegistrationMalformed = 52,
    /// <summary>C.type is not "webauthn.create", or the attestation object or statement does not verify.</summary>
    AttestationInvalid = 53,
    /// <summary>The attestation format is "none" and the configuration requires an attestation.</summary>
    AttestationNoneNotAllowed = 54,
    /// <summary>The authenticator's AAGUID is not in the configured allow-list.</summary>
    AaguidNotAllowed = 55,
    /// <summary>Too many registrations are pending on this node.</summary>
    TooManyRegistrations = 56,

    // --- Software authenticator files ---
    /// <summary>No authenticator file exists for this email in the directory.</summary>
    AuthenticatorMissing = 60,
    /// <summary>An authenticator file already exists; creating would overwrite a key.</summary>
    AuthenticatorExists = 61,
    /// <summary>The authenticator file is readable or writable by group or others.</summary>
    AuthenticatorFileInsecure = 62,
    /// <summary>The authenticator file is not the expected JSON document.</summary>
    AuthenticatorFileMalformed = 63,
    /// <summary>The signature counter would pass 2^32 - 1; the credential must be replaced.</summary>
    AuthenticatorCounterExhausted = 64,
    /// <summary>Another process kept the authenticator's lock (held across read, increment and write) past the wait.</summary>
    AuthenticatorBusy = 65,

    // --- Invitations ---
    /// <summary>No invitation has this token (never issued, mistyped or forged).</summary>
    InvitationUnknown = 70,
    /// <summary>The invitation's time ran out; the operator must issue a new one.</summary>
    InvitationExpired = 71,
    /// <summary>The invitation was already used to enrol.</summary>
    InvitationUsed = 72,
    /// <summary>The registration completed does not belong to this invitation (other person or role).</summary>
    InvitationMismatch = 73,
    /// <summary>The lifetime asked for is outside 1 minute .. 30 days.</summary>
    InvitationLifetimeInvalid = 74,
    /// <summary>A signed trust policy is in force and does not name this participant: enrolling them is a policy change
    /// the policy's stewards approve.</summary>
    PolicyChangeNeeded = 75,
}
