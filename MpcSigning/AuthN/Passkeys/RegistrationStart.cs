namespace MpcSigning.AuthN.Passkeys;

/// <summary>
/// A started registration ceremony: its id (opaque, one use) and the PublicKeyCredentialCreationOptions JSON to give
/// navigator.credentials.create after base64url-decoding challenge, user.id and excludeCredentials ids.
/// </summary>
public sealed record RegistrationStart(byte[] CeremonyId, string OptionsJson);
