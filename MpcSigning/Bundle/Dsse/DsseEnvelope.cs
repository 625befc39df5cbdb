using System.Text.Json;

namespace MpcSigning.Bundle.Dsse;

/// <summary>One DSSE signature. Sigstore leaves <see cref="KeyId"/> empty: the key comes from the certificate.</summary>
public sealed record DsseSignature(byte[] Sig, string KeyId = "");

/// <summary>A DSSE envelope (dsse envelope.md; Sigstore bundle field <c>dsseEnvelope</c>).</summary>
public sealed record DsseEnvelope(byte[] Payload, string PayloadType, IReadOnlyList<DsseSignature> Signatures)
{
    /// <summary>The bytes the signatures are over.</summary>
    public byte[] Pae() => Dsse.Pae(PayloadType, Payload);

    /// <summary>Writes <c>{payload, payloadType, signatures:[{sig, keyid}]}</c>, bytes as standard base64.</summary>
    public void WriteTo(Utf8JsonWriter w)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteStartObject();
        w.WriteBase64String("payload", Payload);
        w.WriteString("payloadType", PayloadType);
        w.WriteStartArray("signatures");
        foreach (var s in Signatures)
        {
            w.WriteStartObject();
            w.WriteBase64String("sig", s.Sig);
            w.WriteString("keyid", s.KeyId);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Reads an envelope at JSON path <paramref name="path"/>; throws <see cref="BundleFormatException"/> naming the bad field.</summary>
    public static DsseEnvelope ReadFrom(JsonElement el, string path)
    {
        JsonFields.Expect(el, JsonValueKind.Object, path, "an object");
        var payload = JsonFields.Base64(el, "payload", path);
        var type = JsonFields.String(el, "payloadType", path);
        var sigs = JsonFields.Array(el, "signatures", path);
        var list = new List<DsseSignature>();
        var i = 0;
        foreach (var s in sigs.EnumerateArray())
        {
            var p = $"{path}.signatures[{i++}]";
            JsonFields.Expect(s, JsonValueKind.Object, p, "an object");
            var keyId = s.TryGetProperty("keyid", out var k) && k.ValueKind != JsonValueKind.Null
                ? JsonFields.String(s, "keyid", p) : "";
            list.Add(new DsseSignature(JsonFields.Base64(s, "sig", p), keyId));
        }
        if (list.Count == 0)
            throw new BundleFormatException(BundleErrorCode.MalformedField, $"{path}.signatures: expected at least one signature; got an empty array.");
        return new DsseEnvelope(payload, type, list);
    }
}
