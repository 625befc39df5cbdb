using System.Text;
using System.Text.Json;

namespace MpcSigning.TLog.Rekor;

/// <summary>
/// Rekor's dsse v0.0.1 entry body as the log stores it (sigstore/rekor pkg/types/dsse/v0.0.1, canonicalized):
/// {"apiVersion":"0.0.1","kind":"dsse","spec":{"envelopeHash":{...},"payloadHash":{...},"signatures":[...]}}.
/// @sigstore/verify re-checks only signatures[0].signature against the envelope's signature and payloadHash
/// against SHA-256 of the envelope payload; envelopeHash and verifier are for Rekor-style auditors.
/// </summary>
public static class RekorDsseBody
{
    public const string Kind = "dsse";
    public const string ApiVersion = "0.0.1";

    /// <param name="envelopeJsonBytes">The DSSE envelope JSON exactly as sent (envelopeHash covers these bytes).</param>
    /// <param name="payload">The envelope's decoded payload (payloadHash).</param>
    /// <param name="signature">The envelope's single signature, raw bytes.</param>
    /// <param name="leafCertPem">The signing certificate, PEM; stored as base64 of the PEM text (Rekor's verifier field).</param>
    public static byte[] Create(byte[] envelopeJsonBytes, byte[] payload, byte[] signature, string leafCertPem)
    {
        ArgumentNullException.ThrowIfNull(envelopeJsonBytes);
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentException.ThrowIfNullOrEmpty(leafCertPem);
        var j = new CanonicalJson().Raw("{")
            .Key("apiVersion").String(ApiVersion).Raw(",")
            .Key("kind").String(Kind).Raw(",")
            .Key("spec").Raw("{")
            .Key("envelopeHash").Raw("{").Key("algorithm").String("sha256").Raw(",")
                .Key("value").String(Hex(envelopeJsonBytes)).Raw("},")
            .Key("payloadHash").Raw("{").Key("algorithm").String("sha256").Raw(",")
                .Key("value").String(Hex(payload)).Raw("},")
            .Key("signatures").Raw("[{")
                .Key("signature").String(Convert.ToBase64String(signature)).Raw(",")
                .Key("verifier").String(Convert.ToBase64String(Encoding.UTF8.GetBytes(leafCertPem))).Raw("}]")
            .Raw("}}");
        return j.ToUtf8();
    }

    private static string Hex(byte[] data) => Convert.ToHexStringLower(Crypto.Hashes.Sha256(data));

    /// <summary>The fields a verifier compares; null (with the reason) when the body is not a dsse v0.0.1 body with one signature.</summary>
    public static DsseBodyFields? TryParse(ReadOnlySpan<byte> body, out string error)
    {
        error = "";
        try
        {
            using var doc = JsonDocument.Parse(body.ToArray());
            var root = doc.RootElement;
            if (root.GetProperty("kind").GetString() != Kind || root.GetProperty("apiVersion").GetString() != ApiVersion)
            {
                error = "body is not kind dsse, apiVersion 0.0.1";
                return null;
            }
            var spec = root.GetProperty("spec");
            var sigs = spec.GetProperty("signatures");
            if (sigs.GetArrayLength() != 1) { error = $"body has {sigs.GetArrayLength()} signatures; want 1"; return null; }
            return new DsseBodyFields(
                spec.GetProperty("envelopeHash").GetProperty("value").GetString() ?? "",
                spec.GetProperty("payloadHash").GetProperty("value").GetString() ?? "",
                Convert.FromBase64String(sigs[0].GetProperty("signature").GetString() ?? ""),
                Encoding.UTF8.GetString(Convert.FromBase64String(sigs[0].GetProperty("verifier").GetString() ?? "")));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            error = "body is not a Rekor dsse v0.0.1 JSON object: " + e.Message;
            return null;
        }
    }
}

/// <summary>The parsed content of a dsse v0.0.1 body (hashes as lower-case hex).</summary>
public sealed record DsseBodyFields(string EnvelopeHashHex, string PayloadHashHex, byte[] Signature, string VerifierPem);
