using System.Globalization;
using System.Text.Json;

namespace MpcSigning.TLog.Rekor;

/// <summary>A parsed bundle tlogEntries[] element.</summary>
public sealed record TlogEntry(LogReceipt Receipt, byte[] CanonicalBody, string Kind, string Version);

/// <summary>
/// One Sigstore bundle v0.3 verificationMaterial.tlogEntries[] element (dev.sigstore.rekor.v1.TransparencyLogEntry
/// in protobuf JSON form: int64 as decimal strings, bytes as standard base64).
/// </summary>
public static class TlogEntryJson
{
    public static void Write(Utf8JsonWriter w, LogReceipt receipt, byte[] canonicalBody)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(receipt);
        ArgumentNullException.ThrowIfNull(canonicalBody);
        var p = receipt.InclusionProof;
        w.WriteStartObject();
        w.WriteString("logIndex", Str(receipt.LogIndex));
        w.WriteStartObject("logId");
        w.WriteBase64String("keyId", receipt.LogId);
        w.WriteEndObject();
        w.WriteStartObject("kindVersion");
        w.WriteString("kind", RekorDsseBody.Kind);
        w.WriteString("version", RekorDsseBody.ApiVersion);
        w.WriteEndObject();
        w.WriteString("integratedTime", Str(receipt.IntegratedTime));
        w.WriteStartObject("inclusionPromise");
        w.WriteBase64String("signedEntryTimestamp", receipt.SignedEntryTimestamp);
        w.WriteEndObject();
        w.WriteStartObject("inclusionProof");
        w.WriteString("logIndex", Str(p.LogIndex));
        w.WriteBase64String("rootHash", p.RootHash);
        w.WriteString("treeSize", Str(p.TreeSize));
        w.WriteStartArray("hashes");
        foreach (var h in p.Hashes) w.WriteBase64StringValue(h);
        w.WriteEndArray();
        w.WriteStartObject("checkpoint");
        w.WriteString("envelope", receipt.SignedCheckpoint);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteBase64String("canonicalizedBody", canonicalBody);
        w.WriteEndObject();
    }

    private static string Str(long v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads one element; null with the reason when a field is missing or mistyped.</summary>
    public static TlogEntry? TryRead(JsonElement e, out string error)
    {
        error = "";
        try
        {
            var proof = e.GetProperty("inclusionProof");
            var p = new InclusionProof(Int(proof, "logIndex"), Int(proof, "treeSize"), proof.GetProperty("rootHash").GetBytesFromBase64(),
                proof.GetProperty("hashes").EnumerateArray().Select(h => h.GetBytesFromBase64()).ToList());
            var receipt = new LogReceipt(Int(e, "logIndex"), Int(e, "integratedTime"),
                e.GetProperty("logId").GetProperty("keyId").GetBytesFromBase64(),
                e.GetProperty("inclusionPromise").GetProperty("signedEntryTimestamp").GetBytesFromBase64(),
                p, proof.GetProperty("checkpoint").GetProperty("envelope").GetString() ?? "");
            var kv = e.GetProperty("kindVersion");
            return new TlogEntry(receipt, e.GetProperty("canonicalizedBody").GetBytesFromBase64(),
                kv.GetProperty("kind").GetString() ?? "", kv.GetProperty("version").GetString() ?? "");
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
        {
            error = "tlog entry is not a complete Sigstore TransparencyLogEntry: " + ex.Message;
            return null;
        }
    }

    /// <summary>Protobuf JSON writes int64 as a string but readers must accept numbers too.</summary>
    private static long Int(JsonElement parent, string name)
    {
        var v = parent.GetProperty(name);
        return v.ValueKind == JsonValueKind.String ? long.Parse(v.GetString()!, NumberStyles.None, CultureInfo.InvariantCulture) : v.GetInt64();
    }
}
