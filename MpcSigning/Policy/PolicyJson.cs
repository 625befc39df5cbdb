using System.Text.Json;
using Google.Protobuf;
using MpcSigning.AuthN;
using MpcSigning.Bundle;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Policy;

namespace MpcSigning.Policy;

/// <summary>
/// The canonical JSON of trust policies (proto/policy.proto): fixed key order, no whitespace, bytes as standard
/// base64, participants sorted by email, measurements and origins as given (validation requires them sorted).
/// <see cref="WritePolicy"/> is the one encoding that is hashed; <see cref="ReadPolicy"/> accepts only bytes that
/// re-encode to themselves, so a document has exactly one accepted spelling and its digest is well defined.
/// </summary>
public static class PolicyJson
{
    public const string ChainMediaType = "application/vnd.mpcsign.trust-policy-chain.v1+json";

    public static byte[] WritePolicy(TrustPolicy p)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms)) WritePolicy(w, p);
        return ms.ToArray();
    }

    private static void WritePolicy(Utf8JsonWriter w, TrustPolicy p)
    {
        w.WriteStartObject();
        w.WriteNumber("version", p.Version);
        w.WriteString("previousDigest", Convert.ToHexStringLower(p.PreviousDigest.Span));
        w.WriteNumber("createdAt", p.CreatedAtUnixMs);
        w.WriteStartArray("participants");
        foreach (var x in p.Participants.OrderBy(x => x.Email, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString("email", x.Email);
            w.WriteString("name", x.Name);
            w.WriteString("role", RoleName(x.Role));
            w.WriteBase64String("publicKeySpki", x.PublicKeySpki.Span);
            w.WriteBase64String("credentialId", x.CredentialId.Span);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("quorum");
        w.WriteNumber("requiredEngineers", p.RequiredEngineers);
        w.WriteNumber("requiredStewards", p.RequiredStewards);
        w.WriteEndObject();
        w.WriteStartObject("frost");
        w.WriteNumber("t", p.FrostThreshold);
        w.WriteNumber("n", p.FrostSigners);
        w.WriteEndObject();
        w.WriteStartArray("allowedMeasurements");
        foreach (var m in p.AllowedMeasurements) w.WriteStringValue(m);
        w.WriteEndArray();
        w.WriteBase64String("caCertificate", p.CaCertificateDer.Span);
        w.WriteBase64String("logPublicKey", p.LogPublicKey.Span);
        w.WriteStartObject("relyingParty");
        w.WriteString("id", p.RpId);
        w.WriteStartArray("origins");
        foreach (var o in p.RpOrigins) w.WriteStringValue(o);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartArray("signers");
        foreach (var s in p.Signers)
        {
            w.WriteStartObject();
            w.WriteString("name", s.Name);
            w.WriteBase64String("identityPublicKey", s.IdentityPublicKey.Span);
            w.WriteBase64String("attestationReport", s.AttestationReport.Span);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Reads a policy; <see cref="PolicyException"/> names the field, or says the bytes are not canonical.</summary>
    public static TrustPolicy ReadPolicy(ReadOnlyMemory<byte> utf8, string what = "trust policy")
    {
        var p = Guard(what, () =>
        {
            using var doc = JsonFields.Parse(utf8, what);
            return ReadPolicy(doc.RootElement, what);
        });
        if (!WritePolicy(p).AsSpan().SequenceEqual(utf8.Span))
            throw new PolicyException($"{what} is not in canonical form (mpcsign writes keys in a fixed order without whitespace, " +
                "participants sorted by email); use the file 'mpcsign trust-root' wrote, unmodified");
        return p;
    }

    private static TrustPolicy ReadPolicy(JsonElement e, string at)
    {
        JsonFields.Expect(e, JsonValueKind.Object, at, "an object");
        var p = new TrustPolicy
        {
            Version = UInt(e, "version", at),
            PreviousDigest = ByteString.CopyFrom(Convert.FromHexString(JsonFields.String(e, "previousDigest", at))),
            CreatedAtUnixMs = Long(e, "createdAt", at),
        };
        var i = 0;
        foreach (var x in JsonFields.Array(e, "participants", at).EnumerateArray())
        {
            var px = $"{at}.participants[{i++}]";
            JsonFields.Expect(x, JsonValueKind.Object, px, "an object");
            var role = JsonFields.String(x, "role", px);
            p.Participants.Add(new PolicyParticipant
            {
                Email = JsonFields.String(x, "email", px),
                Name = JsonFields.String(x, "name", px),
                Role = RoleNames.TryParse(role, out var r) && role == RoleName(r) ? r
                    : throw new PolicyException($"{px}.role is '{Text.Printable(role)}'; expected engineer or steward"),
                PublicKeySpki = ByteString.CopyFrom(JsonFields.Base64(x, "publicKeySpki", px)),
                CredentialId = ByteString.CopyFrom(JsonFields.Base64(x, "credentialId", px)),
            });
        }
        var quorum = JsonFields.Object(e, "quorum", at);
        p.RequiredEngineers = UInt(quorum, "requiredEngineers", at + ".quorum");
        p.RequiredStewards = UInt(quorum, "requiredStewards", at + ".quorum");
        var frost = JsonFields.Object(e, "frost", at);
        p.FrostThreshold = UInt(frost, "t", at + ".frost");
        p.FrostSigners = UInt(frost, "n", at + ".frost");
        foreach (var m in JsonFields.Array(e, "allowedMeasurements", at).EnumerateArray())
            p.AllowedMeasurements.Add(m.ValueKind == JsonValueKind.String ? m.GetString()! : throw new PolicyException($"{at}.allowedMeasurements: expected strings"));
        p.CaCertificateDer = ByteString.CopyFrom(JsonFields.Base64(e, "caCertificate", at));
        p.LogPublicKey = ByteString.CopyFrom(JsonFields.Base64(e, "logPublicKey", at));
        var rp = JsonFields.Object(e, "relyingParty", at);
        p.RpId = JsonFields.String(rp, "id", at + ".relyingParty");
        foreach (var o in JsonFields.Array(rp, "origins", at + ".relyingParty").EnumerateArray())
            p.RpOrigins.Add(o.ValueKind == JsonValueKind.String ? o.GetString()! : throw new PolicyException($"{at}.relyingParty.origins: expected strings"));
        i = 0;
        foreach (var s in JsonFields.Array(e, "signers", at).EnumerateArray())
        {
            var ps = $"{at}.signers[{i++}]";
            JsonFields.Expect(s, JsonValueKind.Object, ps, "an object");
            p.Signers.Add(new PinnedSigner
            {
                Name = JsonFields.String(s, "name", ps),
                IdentityPublicKey = ByteString.CopyFrom(JsonFields.Base64(s, "identityPublicKey", ps)),
                AttestationReport = ByteString.CopyFrom(JsonFields.Base64(s, "attestationReport", ps)),
            });
        }
        return p;
    }

    /// <summary>A signed version: {"policy": canonical policy, "changeSessionId": HEX, "approvals": [...]}.</summary>
    public static void WriteSigned(Utf8JsonWriter w, SignedTrustPolicy s)
    {
        w.WriteStartObject();
        w.WritePropertyName("policy");
        w.WriteRawValue(WritePolicy(s.Policy), skipInputValidation: true);
        w.WriteString("changeSessionId", Convert.ToHexStringLower(s.ChangeSessionId.Span));
        w.WriteStartArray("approvals");
        foreach (var a in s.Approvals)
        {
            w.WriteStartObject();
            w.WriteString("name", a.ParticipantName);
            w.WriteString("email", a.ParticipantEmail);
            w.WriteString("role", RoleName(a.Role));
            w.WriteNumber("approvedAt", a.ApprovedAtUnixMs);
            w.WriteBase64String("publicKeySpki", a.PublicKeySpki.Span);
            var x = a.Assertion ?? new Assertion();
            w.WriteBase64String("credentialId", x.CredentialId.Span);
            w.WriteBase64String("authenticatorData", x.AuthenticatorData.Span);
            w.WriteBase64String("clientDataJSON", x.ClientDataJson.Span);
            w.WriteBase64String("signature", x.Signature.Span);
            ApprovalCredentialJson.Write(w, a);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static byte[] WriteChain(TrustPolicyChain chain)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("mediaType", ChainMediaType);
            w.WriteStartArray("versions");
            foreach (var v in chain.Versions) WriteSigned(w, v);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    public static TrustPolicyChain ReadChain(ReadOnlyMemory<byte> utf8, string what = "trust policy chain") => Guard(what, () =>
    {
        using var doc = JsonFields.Parse(utf8, what);
        var root = doc.RootElement;
        JsonFields.Expect(root, JsonValueKind.Object, what, "an object");
        var media = JsonFields.String(root, "mediaType", what);
        if (media != ChainMediaType) throw new PolicyException($"{what}.mediaType is '{Text.Printable(media)}'; expected {ChainMediaType}");
        var chain = new TrustPolicyChain();
        var i = 0;
        foreach (var v in JsonFields.Array(root, "versions", what).EnumerateArray())
            chain.Versions.Add(ReadSigned(v, $"{what}.versions[{i++}]"));
        return chain;
    });

    public static SignedTrustPolicy ReadSigned(JsonElement e, string at)
    {
        JsonFields.Expect(e, JsonValueKind.Object, at, "an object");
        if (!e.TryGetProperty("policy", out var policy)) throw new PolicyException($"{at}.policy is missing");
        var s = new SignedTrustPolicy
        {
            Policy = ReadPolicy(System.Text.Encoding.UTF8.GetBytes(policy.GetRawText()), at + ".policy"),
            ChangeSessionId = ByteString.CopyFrom(Convert.FromHexString(JsonFields.String(e, "changeSessionId", at))),
        };
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
                Role = RoleNames.TryParse(role, out var r) ? r : throw new PolicyException($"{p}.role is '{Text.Printable(role)}'; expected engineer or steward"),
                ApprovedAtUnixMs = Long(a, "approvedAt", p),
                PublicKeySpki = ByteString.CopyFrom(JsonFields.Base64(a, "publicKeySpki", p)),
                Assertion = new Assertion
                {
                    CredentialId = ByteString.CopyFrom(JsonFields.Base64(a, "credentialId", p)),
                    AuthenticatorData = ByteString.CopyFrom(JsonFields.Base64(a, "authenticatorData", p)),
                    ClientDataJson = ByteString.CopyFrom(JsonFields.Base64(a, "clientDataJSON", p)),
                    Signature = ByteString.CopyFrom(JsonFields.Base64(a, "signature", p)),
                },
            };
            ApprovalCredentialJson.Read(a, p, record);
            s.Approvals.Add(record);
        }
        return s;
    }

    internal static string RoleName(Role r) => r switch
    {
        Role.Engineer => RoleNames.Engineer,
        Role.Steward => RoleNames.Steward,
        _ => "unspecified",
    };

    private static uint UInt(JsonElement e, string name, string at) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetUInt32(out var n) ? n
            : throw new PolicyException($"{at}.{name}: expected a whole number from 0 to {uint.MaxValue}");

    private static long Long(JsonElement e, string name, string at) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) && n >= 0 ? n
            : throw new PolicyException($"{at}.{name}: expected a whole number of milliseconds since the Unix epoch");

    private static T Guard<T>(string what, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (BundleFormatException e)
        {
            throw new PolicyException(e.Message.Replace("bundle", what, StringComparison.Ordinal));
        }
        catch (FormatException e)
        {
            throw new PolicyException($"{what}: a hex field is malformed ({e.Message})");
        }
    }
}

/// <summary>A trust policy is malformed, not canonical, or not reachable from the pinned version; the message is one line.</summary>
public sealed class PolicyException(string message) : Exception(message);
