using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MpcSigning.Ca.File;

public sealed partial class FileCertificateAuthority
{
    /// <summary>RFC 5280 4.1.2.6 / 4.2.1.6: an empty subject (an empty RDNSequence) requires a critical SAN.</summary>
    private static readonly byte[] EmptyName = [0x30, 0x00];

    public byte[] IssueCodeSigningCertificate(CodeSigningRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var notBefore = TruncateToSeconds(now);
        var notAfter = notBefore + request.Lifetime;
        if (notBefore < Certificate.NotBefore.ToUniversalTime() || notAfter > Certificate.NotAfter.ToUniversalTime())
            throw new CaException(CaErrorCode.CaNotValid,
                $"CA certificate is valid {Certificate.NotBefore:u} to {Certificate.NotAfter:u}, which does not cover {notBefore:u} to {notAfter:u}; renew the CA.");

        // RFC 8410 section 3: id-Ed25519 with parameters absent, the key itself as the BIT STRING.
        var spki = new PublicKey(new Oid(MpcsignOids.Ed25519), null, new AsnEncodedData(request.Ed25519PublicKey));
        var req = new CertificateRequest(new X500DistinguishedName(EmptyName), spki, HashAlgorithmName.SHA384);
        foreach (var ext in Extensions(request, spki)) req.CertificateExtensions.Add(ext);
        using var cert = req.Create(Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(_key), notBefore, notAfter, NewSerial());
        return cert.RawData;
    }

    private IEnumerable<X509Extension> Extensions(CodeSigningRequest request, PublicKey spki)
    {
        yield return new X509BasicConstraintsExtension(false, false, 0, true);
        yield return new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true);
        yield return new X509EnhancedKeyUsageExtension([new Oid(MpcsignOids.CodeSigning)], false);
        yield return new X509SubjectKeyIdentifierExtension(spki, false);
        yield return X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false);
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(SessionUri(request.SessionId));
        yield return san.Build(critical: true);
        yield return SessionExtensions.Utf8String(MpcsignOids.FulcioIssuerV2, _options.Issuer);
        yield return SessionExtensions.OctetString(MpcsignOids.SessionId, request.SessionId);
        yield return SessionExtensions.OctetString(MpcsignOids.ArtifactDigest, request.ArtifactDigest);
        yield return SessionExtensions.Approvers(request.Approvers);
        yield return SessionExtensions.OctetString(MpcsignOids.EnclaveMeasurement, request.EnclaveMeasurement);
        if (request.Policy is { } binding) yield return SessionExtensions.PolicyBinding(binding);
    }

    /// <summary>The URI SAN naming the session: the configured prefix and the session id in lowercase hex.</summary>
    public Uri SessionUri(byte[] sessionId) => new(_options.SessionUriPrefix + Convert.ToHexStringLower(sessionId));

    /// <summary>
    /// RFC 5280 4.1.2.2: a positive INTEGER of at most 20 octets. 20 random octets with the top bit cleared
    /// (so DER needs no leading zero) and a non-zero first octet (so the encoding is minimal): 159 random bits.
    /// </summary>
    private static byte[] NewSerial()
    {
        var serial = new byte[20];
        do
        {
            RandomNumberGenerator.Fill(serial);
            serial[0] &= 0x7F;
        } while (serial[0] == 0);
        return serial;
    }

    /// <summary>X.509 times have whole seconds (RFC 5280 4.1.2.5); truncating keeps the lifetime exact.</summary>
    private static DateTimeOffset TruncateToSeconds(DateTimeOffset t) =>
        new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}
