using System.Text.Json;
using Google.Protobuf;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Coordinator;

namespace MpcSigning.Bundle.Mpcsign;

/// <summary>
/// The bundle's top-level <c>mpcsign</c> section: the evidence a verifier needs beyond Sigstore's fields.
/// <code>
/// { "version": 1, "sessionId": HEX, "artifactDigest": {"sha256": HEX},
///   "policy": {"requiredEngineers": N, "requiredStewards": M},
///   "approvals": [ {"name", "email", "role", "approvedAt": ms, "publicKeySpki": B64, "credentialId": B64,
///                   "authenticatorData": B64, "clientDataJSON": B64, "signature": B64} ],
///   "frost": {...} (threshold signing, when used), "enclaveMeasurement": HEX }
/// </code>
/// Each approval carries its raw WebAuthn assertion and the credential key it was made with, so anyone can re-verify it.
/// </summary>
/// <summary>The trust policy version a bundle was made under, and that version's digest.</summary>
public sealed record PolicyReference(uint Version, byte[] Digest);

public sealed record MpcsignSection(
    byte[] SessionId,
    byte[] ArtifactDigest,
    QuorumPolicy Policy,
    IReadOnlyList<ApprovalRecord> Approvals,
    string? FrostJson,
    byte[] EnclaveMeasurement)
{
    public const int Version = 1;

    /// <summary>"trustPolicy": {"version": N, "digest": HEX}; absent in bundles made without a trust policy.</summary>
    public PolicyReference? TrustPolicy { get; init; }

    public byte[] ToJson()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteNumber("version", Version);
            w.WriteString("sessionId", Convert.ToHexStringLower(SessionId));
            w.WriteStartObject("artifactDigest");
            w.WriteString("sha256", Convert.ToHexStringLower(ArtifactDigest));
            w.WriteEndObject();
            w.WriteStartObject("policy");
            w.WriteNumber("requiredEngineers", Policy.RequiredEngineers);
            w.WriteNumber("requiredStewards", Policy.RequiredStewards);
            w.WriteEndObject();
            w.WriteStartArray("approvals");
            foreach (var a in Approvals) WriteApproval(w, a);
            w.WriteEndArray();
            if (!string.IsNullOrEmpty(FrostJson))
            {
                w.WritePropertyName("frost");
                w.WriteRawValue(FrostJson);
            }
            w.WriteString("enclaveMeasurement", Convert.ToHexStringLower(EnclaveMeasurement));
            if (TrustPolicy is { } tp)
            {
                w.WriteStartObject("trustPolicy");
                w.WriteNumber("version", tp.Version);
                w.WriteString("digest", Convert.ToHexStringLower(tp.Digest));
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    private static void WriteApproval(Utf8JsonWriter w, ApprovalRecord a)
    {
        w.WriteStartObject();
        w.WriteString("name", a.ParticipantName);
        w.WriteString("email", a.ParticipantEmail);
        w.WriteString("role", a.Role == Role.Engineer ? "engineer" : a.Role == Role.Steward ? "steward" : "unspecified");
        w.WriteNumber("approvedAt", a.ApprovedAtUnixMs);
        w.WriteBase64String("publicKeySpki", a.PublicKeySpki.Span);
        w.WriteBase64String("credentialId", a.Assertion.CredentialId.Span);
        w.WriteBase64String("authenticatorData", a.Assertion.AuthenticatorData.Span);
        w.WriteBase64String("clientDataJSON", a.Assertion.ClientDataJson.Span);
        w.WriteBase64String("signature", a.Assertion.Signature.Span);
        AuthN.ApprovalCredentialJson.Write(w, a);
        w.WriteEndObject();
    }

    /// <summary>Reads the section; <see cref="BundleFormatException"/> names the field that is wrong.</summary>
    public static MpcsignSection Read(JsonElement e)
    {
        const string at = "mpcsign";
        JsonFields.Expect(e, JsonValueKind.Object, at, "an object");
        var version = JsonFields.NonNegativeInt(e, "version", at, BundleErrorCode.MalformedField);
        if (version != Version)
            throw new BundleFormatException(BundleErrorCode.MalformedField, $"{at}.version is {version}; this mpcsign reads version {Version}");
        var policy = JsonFields.Object(e, "policy", at);
        var approvals = new List<ApprovalRecord>();
        var i = 0;
        foreach (var a in JsonFields.Array(e, "approvals", at).EnumerateArray())
        {
            var p = $"{at}.approvals[{i++}]";
            JsonFields.Expect(a, JsonValueKind.Object, p, "an object");
            var role = JsonFields.String(a, "role", p);
            var record = new ApprovalRecord
            {
                ParticipantName = JsonFields.String(a, "name", p),
                ParticipantEmail = JsonFields.String(a, "email", p),
                Role = role switch
                {
                    "engineer" => Role.Engineer,
                    "steward" => Role.Steward,
                    _ => throw new BundleFormatException(BundleErrorCode.MalformedField, $"{p}.role is '{role}'; expected engineer or steward"),
                },
                ApprovedAtUnixMs = ApprovedAt(a, p),
                PublicKeySpki = ByteString.CopyFrom(JsonFields.Base64(a, "publicKeySpki", p)),
                Assertion = new Assertion
                {
                    CredentialId = ByteString.CopyFrom(JsonFields.Base64(a, "credentialId", p)),
                    AuthenticatorData = ByteString.CopyFrom(JsonFields.Base64(a, "authenticatorData", p)),
                    ClientDataJson = ByteString.CopyFrom(JsonFields.Base64(a, "clientDataJSON", p)),
                    Signature = ByteString.CopyFrom(JsonFields.Base64(a, "signature", p)),
                },
            };
            AuthN.ApprovalCredentialJson.Read(a, p, record);
            approvals.Add(record);
        }
        return new MpcsignSection(
            JsonFields.Hex(e, "sessionId", at, 16, BundleErrorCode.MalformedField),
            JsonFields.Hex(JsonFields.Object(e, "artifactDigest", at), "sha256", at + ".artifactDigest", 32, BundleErrorCode.MalformedField),
            new QuorumPolicy
            {
                RequiredEngineers = (uint)JsonFields.NonNegativeInt(policy, "requiredEngineers", at + ".policy", BundleErrorCode.MalformedField),
                RequiredStewards = (uint)JsonFields.NonNegativeInt(policy, "requiredStewards", at + ".policy", BundleErrorCode.MalformedField),
            },
            approvals,
            e.TryGetProperty("frost", out var frost) ? JsonFields.RawText(frost, at + ".frost") : null,
            JsonFields.Hex(e, "enclaveMeasurement", at, 48, BundleErrorCode.MalformedField))
        {
            TrustPolicy = e.TryGetProperty("trustPolicy", out var tp) ? ReadPolicyReference(tp, at + ".trustPolicy") : null,
        };
    }

    private static PolicyReference ReadPolicyReference(JsonElement e, string at)
    {
        JsonFields.Expect(e, JsonValueKind.Object, at, "an object");
        return new PolicyReference((uint)JsonFields.NonNegativeInt(e, "version", at, BundleErrorCode.MalformedField),
            JsonFields.Hex(e, "digest", at, 32, BundleErrorCode.MalformedField));
    }

    /// <summary>approvedAt: milliseconds since the Unix epoch; informational (not signed), so absent reads as 0.</summary>
    private static long ApprovedAt(JsonElement approval, string path)
    {
        if (!approval.TryGetProperty("approvedAt", out var t) || t.ValueKind == JsonValueKind.Null) return 0;
        if (JsonFields.Expect(t, JsonValueKind.Number, path + ".approvedAt", "a number (milliseconds since the Unix epoch)").TryGetInt64(out var ms) && ms >= 0)
            return ms;
        throw new BundleFormatException(BundleErrorCode.MalformedField,
            $"{path}.approvedAt: expected a whole number of milliseconds since the Unix epoch; got {t.GetRawText()}.");
    }
}
