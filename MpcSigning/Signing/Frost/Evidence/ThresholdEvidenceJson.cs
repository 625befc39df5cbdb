using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using MpcSigning.Proto.Frost;
using MpcSigning.Proto.Identity;

namespace MpcSigning.Signing.Frost;

/// <summary>
/// The bundle's "frost" section: {"ciphersuite": "FROST-ED25519-SHA512-v1", "t": 2, "n": 3,
/// "groupPublicKey": HEX, "verifyingShares": {"1": HEX, ...}, "signers": [1, 2], "endorsements": [{"identifier": 1,
/// "identityPublicKey": HEX, "signature": HEX, "attestationReport": B64}, ...]}, identifiers as integers (object keys in
/// decimal), points as lowercase 32-byte hex. "endorsements" (each signer's identity signature over its share,
/// identity.proto) is optional to read; verify refuses evidence without them (Bundle/Verification/SignerIdentityCheck).
/// </summary>
public static class ThresholdEvidenceJson
{
    /// <summary>Evidence for a signature made by <paramref name="signers"/> under <paramref name="keys"/>.</summary>
    public static ThresholdEvidence FromPublicKeys(PublicKeyPackage keys, IEnumerable<uint> signers)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var evidence = new ThresholdEvidence
        {
            Ciphersuite = FrostSuite.Ciphersuite, T = keys.MinSigners, N = keys.MaxSigners, GroupPublicKey = keys.GroupPublicKey,
        };
        foreach (var (id, share) in keys.VerifyingShares.OrderBy(kv => kv.Key)) evidence.VerifyingShares.Add(id, share);
        evidence.Signers.AddRange(signers.Order());
        return evidence;
    }

    public static JsonObject ToJson(ThresholdEvidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        var shares = new JsonObject();
        foreach (var (id, share) in evidence.VerifyingShares.OrderBy(kv => kv.Key)) shares[id.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Hex(share);
        var json = new JsonObject
        {
            ["ciphersuite"] = evidence.Ciphersuite,
            ["t"] = evidence.T,
            ["n"] = evidence.N,
            ["groupPublicKey"] = Hex(evidence.GroupPublicKey),
            ["verifyingShares"] = shares,
            ["signers"] = new JsonArray(evidence.Signers.Select(s => (JsonNode)JsonValue.Create(s)).ToArray()),
        };
        if (evidence.Endorsements.Count > 0)
            json["endorsements"] = new JsonArray(evidence.Endorsements.OrderBy(e => e.Identifier).Select(e => (JsonNode)new JsonObject
            {
                ["identifier"] = e.Identifier,
                ["identityPublicKey"] = Hex(e.IdentityPublicKey),
                ["signature"] = Convert.ToHexStringLower(e.Signature.Span),
                ["attestationReport"] = Convert.ToBase64String(e.AttestationReport.Span),
            }).ToArray());
        return json;
    }

    public static string Write(ThresholdEvidence evidence) => ToJson(evidence).ToJsonString();

    public static ThresholdEvidence Read(string json)
    {
        try
        {
            return Read(JsonNode.Parse(json) ?? throw Malformed("the document is null"));
        }
        catch (JsonException e)
        {
            throw Malformed("not JSON: " + e.Message);
        }
    }

    /// <summary>Reads the section; any missing or mistyped field fails with <see cref="FrostError.InvalidEvidence"/> naming it.</summary>
    public static ThresholdEvidence Read(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        try
        {
            var evidence = new ThresholdEvidence
            {
                Ciphersuite = Field(node, "ciphersuite").GetValue<string>(),
                T = Field(node, "t").GetValue<uint>(),
                N = Field(node, "n").GetValue<uint>(),
                GroupPublicKey = FromHex(Field(node, "groupPublicKey"), "groupPublicKey"),
            };
            foreach (var (key, value) in Field(node, "verifyingShares").AsObject())
            {
                if (!uint.TryParse(key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
                    throw Malformed($"verifyingShares key \"{key}\" is not a decimal identifier");
                evidence.VerifyingShares.Add(id, FromHex(value ?? throw Malformed($"verifyingShares[{key}] is null"), $"verifyingShares[{key}]"));
            }
            foreach (var s in Field(node, "signers").AsArray()) evidence.Signers.Add((s ?? throw Malformed("signers holds null")).GetValue<uint>());
            if (node["endorsements"] is { } endorsements)
            {
                var i = 0;
                foreach (var e in endorsements.AsArray())
                {
                    var at = $"endorsements[{i++}]";
                    var item = e ?? throw Malformed(at + " is null");
                    evidence.Endorsements.Add(new ShareEndorsement
                    {
                        Identifier = Field(item, "identifier").GetValue<uint>(),
                        IdentityPublicKey = FromHex(Field(item, "identityPublicKey"), at + ".identityPublicKey"),
                        Signature = FromHex(Field(item, "signature"), at + ".signature", 64),
                        AttestationReport = ByteString.CopyFrom(Convert.FromBase64String(Field(item, "attestationReport").GetValue<string>())),
                    });
                }
            }
            return evidence;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            throw Malformed(e.Message);
        }
    }

    private static JsonNode Field(JsonNode node, string name) => node[name] ?? throw Malformed($"field \"{name}\" is missing");

    private static string Hex(ByteString bytes) => Convert.ToHexStringLower(bytes.Span);

    private static ByteString FromHex(JsonNode value, string name, int bytes = 32)
    {
        var text = value.GetValue<string>();
        if (text.Length != 2 * bytes) throw Malformed($"{name} must be {2 * bytes} hex digits ({bytes} bytes), got {text.Length} characters");
        return ByteString.CopyFrom(Convert.FromHexString(text));
    }

    private static FrostException Malformed(string detail) =>
        new(FrostError.InvalidEvidence, $"frost evidence JSON: {detail}.");
}
