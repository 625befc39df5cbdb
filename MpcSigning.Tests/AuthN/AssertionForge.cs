using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Fido2NetLib.Objects;
using MpcSigning.AuthN.Passkeys;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Crypto;
using MpcSigning.Proto.AuthN;

namespace MpcSigning.Tests.AuthN;

/// <summary>
/// Makes assertions with arbitrary (possibly wrong) clientDataJSON and authenticatorData, correctly signed by a
/// test credential, so each negative case fails at the check it targets rather than at the signature.
/// </summary>
internal sealed class AssertionForge : IDisposable
{
    public const string Origin = "https://mpcsign.local";
    public const uint StoredCount = 4;
    public const uint NextCount = 5;

    public ECDsa Key { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    public byte[] CredentialId { get; } = RandomNumberGenerator.GetBytes(32);
    public byte[] Challenge { get; } = ApprovalChallenge.Derive(RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(32));
    public RelyingParty Rp { get; } = RelyingParty.Default;
    public byte[] Spki => Key.ExportSubjectPublicKeyInfo();

    public string ChallengeText => Base64Url.EncodeToString(Challenge);

    public string ClientData(string type = "webauthn.get", string? challenge = null, string origin = Origin, string extra = "") =>
        $$"""{"type":"{{type}}","challenge":"{{challenge ?? ChallengeText}}","origin":"{{origin}}","crossOrigin":false{{extra}}}""";

    public byte[] Cose => CoseKeys.FromSpki(Spki)!;

    /// <summary>rpIdHash || flags || signCount (big-endian) || tail, written by hand so that any flags may be set.</summary>
    public static byte[] AuthData(AuthenticatorFlags flags = AuthenticatorFlags.UP | AuthenticatorFlags.UV,
        uint count = NextCount, string rpId = "mpcsign.local", byte[]? tail = null)
    {
        var counter = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(counter, count);
        return [.. Hashes.Sha256(Encoding.UTF8.GetBytes(rpId)), (byte)flags, .. counter, .. tail ?? []];
    }

    /// <summary>A correctly signed assertion over the given parts.</summary>
    public Assertion Sign(byte[] clientDataJson, byte[] authData, ECDsa? signer = null) => new()
    {
        CredentialId = ByteString.CopyFrom(CredentialId),
        AuthenticatorData = ByteString.CopyFrom(authData),
        ClientDataJson = ByteString.CopyFrom(clientDataJson),
        Signature = ByteString.CopyFrom((signer ?? Key).SignData([.. authData, .. Hashes.Sha256(clientDataJson)],
            HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)),
    };

    public Assertion Sign(string clientData, byte[] authData) => Sign(Encoding.UTF8.GetBytes(clientData), authData);

    /// <summary>A valid assertion for <see cref="Challenge"/> with counter <see cref="NextCount"/>.</summary>
    public Assertion Valid() => Sign(ClientData(), AuthData());

    public AssertionResult Verify(Assertion a, uint stored = StoredCount, RelyingParty? rp = null, bool backupEligible = false) =>
        AssertionVerifier.Verify(a, Challenge, rp ?? Rp, Cose, CredentialId, stored, backupEligible);

    public void Dispose() => Key.Dispose();
}
