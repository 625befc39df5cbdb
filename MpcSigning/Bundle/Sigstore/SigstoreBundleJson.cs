using System.Text.Json;
using MpcSigning.Bundle.Dsse;

namespace MpcSigning.Bundle.Sigstore;

/// <summary>Reads and writes <see cref="SigstoreBundle"/> as Sigstore bundle v0.3 JSON (proto3 JSON mapping, camelCase).</summary>
public static class SigstoreBundleJson
{
    /// <summary>Indented UTF-8 JSON: mediaType, verificationMaterial, dsseEnvelope, then mpcsign if present.</summary>
    public static byte[] Write(SigstoreBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("mediaType", bundle.MediaType);
            w.WriteStartObject("verificationMaterial");
            w.WriteStartObject("certificate");
            w.WriteBase64String("rawBytes", bundle.CertificateDer);
            w.WriteEndObject();
            w.WriteStartArray("tlogEntries");
            foreach (var e in bundle.TlogEntries) e.WriteTo(w);
            w.WriteEndArray();
            if (bundle.TimestampVerificationData is { } tvd)
            {
                w.WritePropertyName("timestampVerificationData");
                tvd.WriteTo(w);
            }
            w.WriteEndObject();
            w.WritePropertyName("dsseEnvelope");
            bundle.DsseEnvelope.WriteTo(w);
            if (bundle.Mpcsign is { } m)
            {
                w.WritePropertyName("mpcsign");
                m.WriteTo(w);
            }
            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    /// <summary>Reads a bundle; throws <see cref="BundleFormatException"/> naming the field and what was expected.</summary>
    public static SigstoreBundle Read(ReadOnlyMemory<byte> utf8Json)
    {
        using var doc = JsonFields.Parse(utf8Json, "bundle");
        var root = JsonFields.Expect(doc.RootElement, JsonValueKind.Object, "bundle", "an object");
        var mediaType = JsonFields.String(root, "mediaType", "bundle");
        if (mediaType != SigstoreBundle.MediaTypeV03)
            throw new BundleFormatException(BundleErrorCode.UnsupportedMediaType,
                $"bundle.mediaType: expected '{SigstoreBundle.MediaTypeV03}'; got '{mediaType}'.");
        var vm = JsonFields.Object(root, "verificationMaterial", "bundle");
        if (!vm.TryGetProperty("certificate", out _) && vm.TryGetProperty("x509CertificateChain", out _))
            throw new BundleFormatException(BundleErrorCode.UnsupportedContent,
                "bundle.verificationMaterial: expected 'certificate' (bundle v0.3 leaf only); got 'x509CertificateChain'.");
        var cert = JsonFields.Base64(JsonFields.Object(vm, "certificate", "bundle.verificationMaterial"), "rawBytes", "bundle.verificationMaterial.certificate");
        if (!root.TryGetProperty("dsseEnvelope", out _) && root.TryGetProperty("messageSignature", out _))
            throw new BundleFormatException(BundleErrorCode.UnsupportedContent,
                "bundle: expected 'dsseEnvelope'; got 'messageSignature' (mpcsign signs in-toto Statements only).");
        var envelope = DsseEnvelope.ReadFrom(JsonFields.Object(root, "dsseEnvelope", "bundle"), "bundle.dsseEnvelope");
        return new SigstoreBundle
        {
            MediaType = mediaType,
            CertificateDer = cert,
            TlogEntries = ReadTlogEntries(vm),
            TimestampVerificationData = Optional(vm, "timestampVerificationData", "bundle.verificationMaterial"),
            DsseEnvelope = envelope,
            Mpcsign = Optional(root, "mpcsign", "bundle"),
        };
    }

    /// <summary>Like <see cref="Read"/>, returning the failure instead of throwing.</summary>
    public static bool TryRead(ReadOnlyMemory<byte> utf8Json, out SigstoreBundle? bundle, out BundleCheckResult error)
    {
        try
        {
            bundle = Read(utf8Json);
            error = BundleCheckResult.Success;
            return true;
        }
        catch (BundleFormatException e)
        {
            bundle = null;
            error = e.ToResult();
            return false;
        }
    }

    // proto3: a repeated field may be absent, meaning empty.
    private static List<JsonElement> ReadTlogEntries(JsonElement vm)
    {
        var list = new List<JsonElement>();
        if (!vm.TryGetProperty("tlogEntries", out var arr) || arr.ValueKind == JsonValueKind.Null) return list;
        JsonFields.Expect(arr, JsonValueKind.Array, "bundle.verificationMaterial.tlogEntries", "an array");
        var i = 0;
        foreach (var e in arr.EnumerateArray())
            list.Add(JsonFields.Expect(e, JsonValueKind.Object, $"bundle.verificationMaterial.tlogEntries[{i++}]", "an object").Clone());
        return list;
    }

    private static JsonElement? Optional(JsonElement parent, string name, string path) =>
        parent.TryGetProperty(name, out var el) && el.ValueKind != JsonValueKind.Null
            ? JsonFields.Expect(el, JsonValueKind.Object, $"{path}.{name}", "an object").Clone()
            : null;
}
