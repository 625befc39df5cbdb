using System.Security.Cryptography;
using MpcSigning.Crypto;
using MpcSigning.Proto.AuthN;

namespace MpcSigning.AuthN.Software;

/// <summary>
/// A WebAuthn authenticator in a file: an ES256, EdDSA or RS256 key (<see cref="SoftwareAlgorithms"/>), a random
/// credential id and a signature counter, in <c>&lt;directory&gt;/&lt;email&gt;.json</c> readable only by its owner.
/// It plays browser and authenticator at once and produces exactly their structures: a registration answer with a
/// CBOR attestation object ("none" or "packed" self attestation) for <see cref="Register"/>, and assertions
/// (authenticatorData, clientDataJSON, signature) for <see cref="GetAssertion"/>, so the relying party verifies it
/// with the same code (Fido2) as a browser's passkey.
/// <para>
/// The private key stays on disk. Each signature reads it, imports it only for that signature (ECDsa/RSA: OpenSSL,
/// outside our control, for the short lifetime of the key object; Ed25519: NSec guarded memory), and wipes the PKCS#8
/// bytes in <c>finally</c>.
/// </para>
/// <para>
/// The counter is read, incremented and written under an exclusive flock on <c>&lt;file&gt;.lock</c> beside the file
/// (<see cref="LockFile"/>), which excludes other processes and other instances in this one alike.
/// </para>
/// </summary>
public sealed partial class SoftwareAuthenticator
{
    private readonly byte[] _credentialId;
    private readonly byte[] _publicKeySpki;
    private readonly byte[] _publicKeyCose;

    /// <summary>The authenticator file.</summary>
    public string FilePath { get; }

    /// <summary>The normalized email of the participant this authenticator belongs to.</summary>
    public string Email { get; }

    /// <summary>The counter of the last assertion produced (0 before the first).</summary>
    public uint SignCount { get; private set; }

    public byte[] CredentialId => (byte[])_credentialId.Clone();

    /// <summary>The public key as SubjectPublicKeyInfo DER, as the registry stores it.</summary>
    public byte[] PublicKeySpki => (byte[])_publicKeySpki.Clone();

    /// <summary>The public key as the COSE_Key a registration carries.</summary>
    public byte[] PublicKeyCose => (byte[])_publicKeyCose.Clone();

    /// <summary>The credential algorithm: <see cref="SoftwareAlgorithms.Es256"/>, EdDSA or RS256.</summary>
    public string Algorithm { get; }

    /// <summary>Default directory: $XDG_CONFIG_HOME/mpcsign/authenticators, else ~/.config/mpcsign/authenticators.</summary>
    public static string DefaultDirectory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify),
            "mpcsign", "authenticators");

    private SoftwareAuthenticator(string path, AuthenticatorFile file)
    {
        FilePath = path;
        Email = file.Email;
        _credentialId = file.CredentialId;
        _publicKeySpki = file.PublicKeySpki;
        Algorithm = file.Algorithm;
        _publicKeyCose = Passkeys.CoseKeys.FromSpki(file.PublicKeySpki)
            ?? throw new AuthNException(AuthNError.AuthenticatorFileMalformed,
                $"software authenticator file '{path}' holds a public key that is not {file.Algorithm}; create a new authenticator and re-enroll.");
        SignCount = file.SignCount;
    }

    /// <summary>
    /// The participant record for this authenticator without a registration ceremony (no attestation): for the
    /// EnrollParticipant path and tests. <c>mpcsign enroll</c> registers through <see cref="Register"/>.
    /// </summary>
    public Participant ToParticipant(string name, Role role, long registeredAtUnixMs = 0) => new()
    {
        Name = name, Email = Email, Role = role,
        CredentialId = Google.Protobuf.ByteString.CopyFrom(_credentialId),
        PublicKeySpki = Google.Protobuf.ByteString.CopyFrom(_publicKeySpki),
        CredentialPublicKeyCose = Google.Protobuf.ByteString.CopyFrom(_publicKeyCose),
        SignCount = SignCount, RegisteredAtUnixMs = registeredAtUnixMs,
    };

    /// <summary>Creates a new key and credential id and saves them (mode 0600) under <paramref name="directory"/>.</summary>
    /// <param name="algorithm">ES256 (default), EdDSA or RS256 (<see cref="SoftwareAlgorithms"/>).</param>
    /// <exception cref="AuthNException">Invalid email or algorithm, or an authenticator for this email already exists.</exception>
    public static SoftwareAuthenticator Create(string? directory, string email, string algorithm = SoftwareAlgorithms.Es256)
    {
        SoftwareAlgorithms.CoseAlgorithm(algorithm); // refuses an unknown one before anything is written
        var path = PathFor(directory, email, createDirectory: true);
        using var held = LockFile(path);
        if (File.Exists(path))
            throw new AuthNException(AuthNError.AuthenticatorExists,
                $"a software authenticator already exists at '{path}'; load it, or move it away to create a new one " +
                "(the participant must then be re-enrolled).");
        var (spki, pkcs8) = SoftwareAlgorithms.Generate(algorithm);
        try
        {
            // WebAuthn L3 section 4 "Credential ID": at least 16 bytes of entropy; 32 random bytes here.
            var id = new byte[32];
            Interop.Sodium.RandomBytes(id);
            var file = new AuthenticatorFile
            {
                Email = ParticipantEmail.Normalize(email), Algorithm = algorithm, CredentialId = id,
                PublicKeySpki = spki, PrivateKeyPkcs8 = pkcs8, SignCount = 0,
            };
            file.Save(path);
            return new SoftwareAuthenticator(path, file);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    /// <summary>Loads the authenticator for <paramref name="email"/>; the file must exist and be owner-only.</summary>
    /// <exception cref="AuthNException">Missing, group/world-accessible or malformed file.</exception>
    public static SoftwareAuthenticator Load(string? directory, string email)
    {
        var path = PathFor(directory, email, createDirectory: false);
        var file = ReadChecked(path);
        try
        {
            if (file.Email != ParticipantEmail.Normalize(email))
                throw new AuthNException(AuthNError.AuthenticatorFileMalformed,
                    $"software authenticator file '{path}' belongs to '{file.Email}', not '{email}'; use the right file.");
            return new SoftwareAuthenticator(path, file);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(file.PrivateKeyPkcs8);
        }
    }
}
