using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MpcSigning.Attestation.Verification;

/// <summary>
/// One X.509 certificate of the AMD chain, split into the parts the verifier checks itself (RFC 5280 4.1:
/// tbsCertificate, signatureAlgorithm, signatureValue), so the chain is checked without any trust store,
/// network or clock: a pure function of the bytes.
/// </summary>
internal sealed class ParsedCertificate
{
    private const string RsaPss = "1.2.840.113549.1.1.10", Mgf1 = "1.2.840.113549.1.1.8", Sha384 = "2.16.840.1.101.3.4.2.2";

    public required byte[] Der { get; init; }
    public required X509Certificate2 Cert { get; init; }
    public required byte[] Tbs { get; init; }
    public required byte[] Signature { get; init; }

    /// <summary>True when signed RSASSA-PSS with SHA-384, MGF1-SHA-384 and a 48-byte salt, as AMD signs (RFC 4055 3.1).</summary>
    public required bool SignedRsaPssSha384 { get; init; }
    public required string Fingerprint { get; init; }
    public string CommonName => Cert.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
    public string IssuerCommonName => Cert.GetNameInfo(X509NameType.SimpleName, forIssuer: true);

    public static ParsedCertificate? TryParse(byte[] der, string role, out string error)
    {
        error = "";
        try
        {
            var outer = new AsnReader(der, AsnEncodingRules.DER);
            var cert = outer.ReadSequence();
            // Nothing may follow the certificate: evidence with appended bytes would still verify and be malleable.
            outer.ThrowIfNotEmpty();
            var tbs = cert.ReadEncodedValue().ToArray();
            var outerAlg = cert.PeekEncodedValue().ToArray();
            var pss = IsRsaPssSha384(cert.ReadSequence());
            var sig = cert.ReadBitString(out _);
            cert.ThrowIfNotEmpty();
            // RFC 5280 4.1.1.2: the algorithm inside the signed part must equal the outer one.
            var t = new AsnReader(tbs, AsnEncodingRules.DER).ReadSequence();
            if (t.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0))) t.ReadEncodedValue();
            t.ReadEncodedValue();
            if (!t.ReadEncodedValue().Span.SequenceEqual(outerAlg)) pss = false;
            return new ParsedCertificate
            {
                Der = der, Cert = X509CertificateLoader.LoadCertificate(der), Tbs = tbs, Signature = sig,
                SignedRsaPssSha384 = pss, Fingerprint = Convert.ToHexStringLower(SHA256.HashData(der)),
            };
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            error = $"the {role} certificate is not valid DER X.509 ({e.Message}); give the certificate as PEM or DER";
            return null;
        }
    }

    /// <summary>Verifies this certificate's signature with the issuer's RSA key (RSASSA-PSS, SHA-384).</summary>
    public bool IsSignedBy(ParsedCertificate issuer)
    {
        if (!SignedRsaPssSha384) return false;
        using var rsa = issuer.Cert.GetRSAPublicKey();
        return rsa is not null && rsa.VerifyData(Tbs, Signature, HashAlgorithmName.SHA384, RSASignaturePadding.Pss);
    }

    public bool ValidAt(DateTimeOffset at) => at >= new DateTimeOffset(Cert.NotBefore) && at <= new DateTimeOffset(Cert.NotAfter);

    private static bool IsRsaPssSha384(AsnReader alg)
    {
        if (alg.ReadObjectIdentifier() != RsaPss) return false;
        var p = alg.ReadSequence();
        var hash = p.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
        var mgf = p.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 1)).ReadSequence();
        var salt = p.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 2)).ReadInteger();
        return hash.ReadObjectIdentifier() == Sha384 && mgf.ReadObjectIdentifier() == Mgf1 &&
               mgf.ReadSequence().ReadObjectIdentifier() == Sha384 && salt == 48;
    }
}
