namespace MpcSigning.AuthN.WebAuthn;

/// <summary>The flags byte of authenticatorData (WebAuthn L3 section 6.1, table "flags"). Bits 1 and 5 are reserved.</summary>
[Flags]
public enum AuthenticatorFlags : byte
{
    None = 0,
    /// <summary>Bit 0, UP: the user was present (touched the authenticator).</summary>
    UserPresent = 0x01,
    /// <summary>Bit 2, UV: the user was verified (PIN, biometric).</summary>
    UserVerified = 0x04,
    /// <summary>Bit 3, BE: the credential may be backed up (synced passkey).</summary>
    BackupEligible = 0x08,
    /// <summary>Bit 4, BS: the credential is currently backed up.</summary>
    BackupState = 0x10,
    /// <summary>Bit 6, AT: attested credential data follows the counter.</summary>
    AttestedData = 0x40,
    /// <summary>Bit 7, ED: an extension CBOR map ends the structure.</summary>
    ExtensionData = 0x80,
}
