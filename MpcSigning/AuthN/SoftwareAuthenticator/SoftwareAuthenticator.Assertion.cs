using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using Fido2NetLib.Objects;
using Google.Protobuf;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Crypto;
using MpcSigning.Proto.AuthN;

namespace MpcSigning.AuthN.Software;

public sealed partial class SoftwareAuthenticator
{
    /// <summary>
    /// Flags this authenticator reports: UP and UV. "Verification" is the operating system's: only the file's
    /// owner can read the key (the mode is checked on every use). BE/BS are clear: the key is never synced.
    /// </summary>
    public const AuthenticatorFlags Flags = AuthenticatorFlags.UP | AuthenticatorFlags.UV;

    /// <summary>
    /// Answers <c>navigator.credentials.get</c> for <paramref name="challenge"/> on <paramref name="rp"/> (origin: its
    /// first allowed origin). The counter is incremented and saved before the signature is made, so a crash can
    /// skip a value but never sign two assertions with the same one; the authenticator's cross-process lock is held
    /// from reading the counter to saving it, so neither can two processes, or two instances in one process.
    /// </summary>
    /// <param name="flags">The flags to report; tests use others (UV clear, BE set) to see them refused.</param>
    /// <exception cref="AuthNException">The file became unreadable, insecure, the counter is exhausted, or another
    /// process held the authenticator too long.</exception>
    public Assertion GetAssertion(byte[] challenge, RelyingParty rp, AuthenticatorFlags flags = Flags)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(rp);
        return WithKey(file =>
        {
            if (file.SignCount == uint.MaxValue)
                throw new AuthNException(AuthNError.AuthenticatorCounterExhausted,
                    $"software authenticator '{FilePath}' has used all 2^32-1 signature counter values; create a new one and re-enroll.");
            var count = file.SignCount + 1;
            new AuthenticatorFile
            {
                Email = file.Email, Algorithm = file.Algorithm, CredentialId = file.CredentialId, PublicKeySpki = file.PublicKeySpki,
                PrivateKeyPkcs8 = file.PrivateKeyPkcs8, SignCount = count,
            }.Save(FilePath);
            SignCount = count;
            var authData = new AuthenticatorData(AssertionVerifier.RpIdHash(rp.RpId), flags, count, null, null).ToByteArray();
            var clientData = ClientDataJson(AssertionVerifier.AssertionType, challenge, rp.PrimaryOrigin);
            return new Assertion
            {
                CredentialId = ByteString.CopyFrom(_credentialId),
                AuthenticatorData = ByteString.CopyFrom(authData),
                ClientDataJson = ByteString.CopyFrom(clientData),
                // WebAuthn L3 section 6.3.3 step 11: sign authenticatorData || clientDataHash.
                Signature = ByteString.CopyFrom(SoftwareAlgorithms.Sign(file.Algorithm, file.PrivateKeyPkcs8,
                    [.. authData, .. Hashes.Sha256(clientData)])),
            };
        });
    }

    /// <summary>Runs <paramref name="use"/> on the file, read under the cross-process lock; wipes the private key after.</summary>
    private T WithKey<T>(Func<AuthenticatorFile, T> use)
    {
        using (LockFile(FilePath))
        {
            var file = ReadChecked(FilePath);
            try
            {
                if (!Hashes.FixedTimeEquals(file.CredentialId, _credentialId))
                    throw new AuthNException(AuthNError.AuthenticatorFileMalformed,
                        $"software authenticator file '{FilePath}' was replaced by another credential since it was loaded; load it again.");
                return use(file);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(file.PrivateKeyPkcs8);
            }
        }
    }

    /// <summary>CollectedClientData (section 5.8.1) in the member order browsers use: type, challenge, origin, crossOrigin.</summary>
    internal static byte[] ClientDataJson(string type, byte[] challenge, string origin)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("type", type);
            w.WriteString("challenge", Base64Url.EncodeToString(challenge));
            w.WriteString("origin", origin);
            w.WriteBoolean("crossOrigin", false);
            w.WriteEndObject();
        }
        return stream.ToArray();
    }
}
