using System.Text.Json;
using MpcSigning.Bundle.Dsse;

namespace MpcSigning.Bundle.Sigstore;

/// <summary>
/// A Sigstore bundle v0.3 (protobuf-specs sigstore_bundle.proto, JSON mapping) as mpcsign writes it: the leaf
/// certificate, the log entries, the DSSE envelope, and an extra top-level <c>mpcsign</c> section. The log entries,
/// timestamp data and mpcsign section are kept as opaque JSON here; their modules write and check them.
/// </summary>
public sealed record SigstoreBundle
{
    public const string MediaTypeV03 = "application/vnd.dev.sigstore.bundle.v0.3+json";

    public string MediaType { get; init; } = MediaTypeV03;

    /// <summary><c>verificationMaterial.certificate.rawBytes</c>: the session certificate, DER.</summary>
    public required byte[] CertificateDer { get; init; }

    /// <summary><c>verificationMaterial.tlogEntries</c>: each a TransparencyLogEntry JSON object, written by the log module.</summary>
    public IReadOnlyList<JsonElement> TlogEntries { get; init; } = [];

    /// <summary><c>verificationMaterial.timestampVerificationData</c>, if any (RFC 3161 timestamps), opaque.</summary>
    public JsonElement? TimestampVerificationData { get; init; }

    public required DsseEnvelope DsseEnvelope { get; init; }

    /// <summary>The top-level <c>mpcsign</c> section (approvals, FROST transcript, attestation), opaque here.</summary>
    public JsonElement? Mpcsign { get; init; }

    /// <summary>Parses UTF-8 JSON into an element that outlives its document, for the opaque sections.</summary>
    public static JsonElement RawJson(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json);
        return JsonElement.ParseValue(ref reader);
    }

    /// <summary>As <see cref="RawJson(ReadOnlySpan{byte})"/>, from a string.</summary>
    public static JsonElement RawJson(string json) => RawJson(System.Text.Encoding.UTF8.GetBytes(json));
}
