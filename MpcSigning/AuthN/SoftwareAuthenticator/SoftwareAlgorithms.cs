using System.Security.Cryptography;
using MpcSigning.AuthN.Passkeys;
using NSec.Cryptography;

namespace MpcSigning.AuthN.Software;

/// <summary>
/// The credential algorithms a software authenticator can hold (WebAuthn L3 section 5.8.5, COSE ids): ES256 (ECDSA
/// P-256, DER signature), EdDSA (Ed25519, through NSec) and RS256 (RSASSA-PKCS1-v1_5 with SHA-256, 2048-bit key).
/// Private keys travel as PKCS#8 bytes the caller wipes.
/// </summary>
public static class SoftwareAlgorithms
{
    public const string Es256 = "ES256", EdDsa = "EdDSA", Rs256 = "RS256";

    public static readonly IReadOnlyList<string> All = [Es256, EdDsa, Rs256];

    /// <summary>The COSE algorithm id (-7, -8, -257).</summary>
    public static int CoseAlgorithm(string algorithm) => algorithm switch
    {
        Es256 => CoseKeys.Es256,
        EdDsa => CoseKeys.EdDsa,
        Rs256 => CoseKeys.Rs256,
        _ => throw Unknown(algorithm),
    };

    /// <summary>The name for a user's text ("es256", "EdDSA", ...), or an <see cref="AuthNException"/> saying which exist.</summary>
    public static string Parse(string text) =>
        All.FirstOrDefault(a => string.Equals(a, text?.Trim(), StringComparison.OrdinalIgnoreCase)) ?? throw Unknown(text ?? "");

    /// <summary>A new key pair: SubjectPublicKeyInfo DER and PKCS#8 (the caller wipes the latter).</summary>
    public static (byte[] Spki, byte[] Pkcs8) Generate(string algorithm)
    {
        switch (algorithm)
        {
            case Es256:
                using (var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256))
                    return (ec.ExportSubjectPublicKeyInfo(), ec.ExportPkcs8PrivateKey());
            case Rs256:
                using (var rsa = RSA.Create(2048))
                    return (rsa.ExportSubjectPublicKeyInfo(), rsa.ExportPkcs8PrivateKey());
            case EdDsa:
                using (var key = Key.Create(SignatureAlgorithm.Ed25519,
                           new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }))
                    return (key.PublicKey.Export(KeyBlobFormat.PkixPublicKey), key.Export(KeyBlobFormat.PkixPrivateKey));
            default:
                throw Unknown(algorithm);
        }
    }

    /// <summary>The WebAuthn signature over <paramref name="data"/> (section 6.5.6 formats).</summary>
    public static byte[] Sign(string algorithm, byte[] pkcs8, ReadOnlySpan<byte> data)
    {
        switch (algorithm)
        {
            case Es256:
                using (var ec = ECDsa.Create())
                {
                    ec.ImportPkcs8PrivateKey(pkcs8, out _);
                    return ec.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
                }
            case Rs256:
                using (var rsa = RSA.Create())
                {
                    rsa.ImportPkcs8PrivateKey(pkcs8, out _);
                    return rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                }
            case EdDsa:
                using (var key = Key.Import(SignatureAlgorithm.Ed25519, pkcs8, KeyBlobFormat.PkixPrivateKey))
                    return SignatureAlgorithm.Ed25519.Sign(key, data);
            default:
                throw Unknown(algorithm);
        }
    }

    private static AuthNException Unknown(string algorithm) =>
        new(AuthNError.AlgorithmNotSupported,
            $"'{algorithm}' is not a software authenticator algorithm; use one of {string.Join(", ", All)}.");
}
