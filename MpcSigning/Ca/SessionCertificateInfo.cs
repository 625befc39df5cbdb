using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MpcSigning.Ca;

/// <summary>What a session certificate says, read back from its extensions. Pure: no I/O, clock or config.</summary>
public sealed record SessionCertificateInfo
{
    /// <summary>The certified 32-byte Ed25519 public key (RFC 8410 SubjectPublicKeyInfo).</summary>
    public required byte[] Ed25519PublicKey { get; init; }
    public required byte[] SessionId { get; init; }
    public required byte[] ArtifactDigest { get; init; }
    public required IReadOnlyList<(string Email, string Role)> Approvers { get; init; }
    public required byte[] EnclaveMeasurement { get; init; }
    /// <summary>Extension .5: the trust policy and approvals the CA checked; null when the certificate has none.</summary>
    public PolicyBinding? Policy { get; init; }
    /// <summary>Extension 1.3.6.1.4.1.57264.1.8, or null when absent.</summary>
    public string? Issuer { get; init; }
    /// <summary>The URI SANs (the session's URI is one of them).</summary>
    public required IReadOnlyList<string> SubjectAlternativeUris { get; init; }

    /// <summary>Reads the certificate; throws <see cref="CaException"/> (MalformedCertificate) naming what is missing or malformed.</summary>
    public static SessionCertificateInfo Parse(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        try
        {
            return ParseCore(certificate);
        }
        catch (CryptographicException e)
        {
            // X509Certificate2 decodes fields lazily: a corrupt field surfaces only when read.
            throw Malformed($"certificate is not well-formed DER ({e.Message})");
        }
    }

    private static SessionCertificateInfo ParseCore(X509Certificate2 certificate)
    {
        // RFC 5280 4.2: at most one instance of an extension, so a reader cannot be shown a different copy.
        var duplicate = certificate.Extensions.GroupBy(e => e.Oid?.Value).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw Malformed($"extension {duplicate.Key} appears more than once");
        return new SessionCertificateInfo
        {
            Ed25519PublicKey = ReadEd25519PublicKey(certificate),
            SessionId = Read(certificate, MpcsignOids.SessionId, "session id", SessionExtensions.ReadOctetString, CodeSigningRequest.SessionIdSize),
            ArtifactDigest = Read(certificate, MpcsignOids.ArtifactDigest, "artifact digest", SessionExtensions.ReadOctetString, CodeSigningRequest.ArtifactDigestSize),
            Approvers = Read(certificate, MpcsignOids.Approvers, "approvers", SessionExtensions.ReadApprovers, null),
            EnclaveMeasurement = Read(certificate, MpcsignOids.EnclaveMeasurement, "enclave measurement", SessionExtensions.ReadOctetString,
                CodeSigningRequest.EnclaveMeasurementSize),
            Policy = certificate.Extensions[MpcsignOids.PolicyBinding] is not null
                ? Read(certificate, MpcsignOids.PolicyBinding, "policy binding", SessionExtensions.ReadPolicyBinding, null) : null,
            Issuer = certificate.Extensions[MpcsignOids.FulcioIssuerV2] is { } ext
                ? Decode(ext, "issuer", SessionExtensions.ReadUtf8String) : null,
            SubjectAlternativeUris = ReadUris(certificate),
        };
    }

    /// <summary>Like <see cref="Parse"/>, returning the error message instead of throwing.</summary>
    public static bool TryParse(X509Certificate2 certificate, out SessionCertificateInfo? info, out string error)
    {
        try
        {
            info = Parse(certificate);
            error = "";
            return true;
        }
        catch (CaException e)
        {
            info = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>The certificate's RFC 8410 Ed25519 key; throws <see cref="CaException"/> (MalformedCertificate) for any other key.</summary>
    public static byte[] ReadEd25519PublicKey(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var pk = certificate.PublicKey;
        // RFC 8410 section 3: id-Ed25519 with parameters absent; the BIT STRING is the 32-byte key itself.
        if (pk.Oid.Value != MpcsignOids.Ed25519)
            throw Malformed($"subject public key algorithm is {pk.Oid.Value}; expected Ed25519 ({MpcsignOids.Ed25519})");
        if (pk.EncodedParameters is { RawData.Length: > 0 })
            throw Malformed("Ed25519 SubjectPublicKeyInfo carries algorithm parameters; RFC 8410 requires them absent");
        var key = pk.EncodedKeyValue.RawData;
        if (key.Length != Crypto.Ed25519.PublicKeySize)
            throw Malformed($"Ed25519 public key is {key.Length} bytes; expected 32");
        return key;
    }

    private static T Read<T>(X509Certificate2 c, string oid, string what, Func<byte[], T> decode, int? size)
    {
        var ext = c.Extensions[oid] ?? throw Malformed($"extension {oid} ({what}) is missing");
        if (ext.Critical) throw Malformed($"extension {oid} ({what}) is marked critical; mpcsign writes it non-critical");
        var value = Decode(ext, what, decode);
        if (size is { } n && value is byte[] b && b.Length != n)
            throw Malformed($"extension {oid} ({what}) holds {b.Length} bytes; expected {n}");
        return value;
    }

    private static T Decode<T>(X509Extension ext, string what, Func<byte[], T> decode)
    {
        try
        {
            return decode(ext.RawData);
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            throw Malformed($"extension {ext.Oid?.Value} ({what}) is not valid DER: {e.Message}");
        }
    }

    private static List<string> ReadUris(X509Certificate2 c)
    {
        var uris = new List<string>();
        try
        {
            ReadUrisCore(c, uris);
        }
        catch (AsnContentException e)
        {
            throw Malformed($"subjectAltName is not valid DER: {e.Message}");
        }
        return uris;
    }

    private static void ReadUrisCore(X509Certificate2 c, List<string> uris)
    {
        foreach (var ext in c.Extensions.OfType<X509SubjectAlternativeNameExtension>())
        {
            // The framework enumerates URIs only through the raw GeneralNames; [6] IA5String is uniformResourceIdentifier.
            var seq = new AsnReader(ext.RawData, AsnEncodingRules.DER).ReadSequence();
            while (seq.HasData)
            {
                var tag = seq.PeekTag();
                if (tag.HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 6)))
                    uris.Add(seq.ReadCharacterString(UniversalTagNumber.IA5String, new Asn1Tag(TagClass.ContextSpecific, 6)));
                else
                    seq.ReadEncodedValue();
            }
        }
    }

    private static CaException Malformed(string what) =>
        new(CaErrorCode.MalformedCertificate, $"session certificate: {what}.");
}
