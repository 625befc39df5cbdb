using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace MpcSigning.TLog.Trust;

/// <summary>
/// Sigstore TrustedRoot JSON (dev.sigstore.trustroot.v1.TrustedRoot, mediaType
/// application/vnd.dev.sigstore.trustedroot.v0.1+json) for this deployment: its CA chain and its log.
/// No ctlogs or timestamp authorities: verifiers run with ctlogThreshold 0 and take time from the log.
/// </summary>
public static class TrustedRootWriter
{
    public const string MediaType = "application/vnd.dev.sigstore.trustedroot.v0.1+json";

    /// <summary>The top-level field listing the signers' identities (mpcsign's addition).</summary>
    public const string SignersField = "mpcsignSigners";

    /// <summary>
    /// The top-level field naming the deployment's trust policy (mpcsign's addition): <c>{"pin": fingerprint of version 1}</c>.
    /// Present once a policy is in force, so a verifier given this root without the chain refuses instead of checking
    /// the approvals only against themselves.
    /// </summary>
    public const string TrustPolicyField = "mpcsignTrustPolicy";

    /// <param name="caChainDer">The CA chain, leaf-most intermediate first and root last (Sigstore's certChain order).</param>
    /// <param name="caUri">The CA's URI (certificateAuthorities[].uri).</param>
    /// <param name="log">The log identity (<see cref="ITransparencyLog.Identity"/>).</param>
    /// <param name="logValidFrom">Start of the log key's validity (its creation; before any entry's integratedTime).</param>
    /// <param name="signers">The signers' attested identities, written as the extra top-level field
    /// <c>mpcsignSigners</c> (name, identityPublicKey and attestationReport in base64) that mpcsign verify pins when no
    /// trust policy is given; Sigstore verifiers ignore it.</param>
    public static void Write(Utf8JsonWriter w, IReadOnlyList<byte[]> caChainDer, string caUri, LogIdentity log, DateTimeOffset logValidFrom,
        IReadOnlyList<Proto.Identity.SignerIdentityRecord>? signers = null, string? trustPolicyPin = null)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(caChainDer);
        ArgumentNullException.ThrowIfNull(log);
        if (caChainDer.Count == 0) throw new ArgumentException("the CA chain needs at least the root certificate", nameof(caChainDer));
        w.WriteStartObject();
        w.WriteString("mediaType", MediaType);
        w.WriteStartArray("tlogs");
        w.WriteStartObject();
        w.WriteString("baseUrl", log.BaseUrl);
        w.WriteString("hashAlgorithm", "SHA2_256");
        w.WriteStartObject("publicKey");
        w.WriteBase64String("rawBytes", log.SubjectPublicKeyInfo);
        w.WriteString("keyDetails", "PKIX_ED25519");
        w.WriteStartObject("validFor");
        w.WriteString("start", Timestamp(logValidFrom));
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject("logId");
        w.WriteBase64String("keyId", log.LogId);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        WriteCa(w, caChainDer, caUri);
        w.WriteStartArray("ctlogs");
        w.WriteEndArray();
        w.WriteStartArray("timestampAuthorities");
        w.WriteEndArray();
        if (signers is { Count: > 0 })
        {
            w.WriteStartArray(SignersField);
            foreach (var r in signers)
            {
                w.WriteStartObject();
                w.WriteString("name", r.Name);
                w.WriteBase64String("identityPublicKey", r.IdentityPublicKey.Span);
                w.WriteBase64String("attestationReport", r.AttestationReport.Span);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (trustPolicyPin is not null)
        {
            w.WriteStartObject(TrustPolicyField);
            w.WriteString("pin", trustPolicyPin);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void WriteCa(Utf8JsonWriter w, IReadOnlyList<byte[]> chain, string caUri)
    {
        // The authority is valid while every certificate of its chain is.
        DateTimeOffset start = DateTimeOffset.MinValue, end = DateTimeOffset.MaxValue;
        string subject = "";
        foreach (var der in chain)
        {
            using var c = X509CertificateLoader.LoadCertificate(der);
            start = Max(start, new DateTimeOffset(c.NotBefore.ToUniversalTime()));
            end = Min(end, new DateTimeOffset(c.NotAfter.ToUniversalTime()));
            subject = c.Subject;
        }
        w.WriteStartArray("certificateAuthorities");
        w.WriteStartObject();
        w.WriteStartObject("subject");
        w.WriteString("organization", "mpcsign");
        w.WriteString("commonName", subject);
        w.WriteEndObject();
        w.WriteString("uri", caUri);
        w.WriteStartObject("certChain");
        w.WriteStartArray("certificates");
        foreach (var der in chain)
        {
            w.WriteStartObject();
            w.WriteBase64String("rawBytes", der);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartObject("validFor");
        w.WriteString("start", Timestamp(start));
        w.WriteString("end", Timestamp(end));
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    /// <summary>google.protobuf.Timestamp JSON: RFC 3339 in UTC with a Z.</summary>
    private static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
