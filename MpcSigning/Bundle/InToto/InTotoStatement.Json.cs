using System.Text.Json;

namespace MpcSigning.Bundle.InToto;

public sealed partial record InTotoStatement
{
    private const BundleErrorCode Bad = BundleErrorCode.MalformedStatement;

    /// <summary>The UTF-8 JSON payload, compact, fields in a fixed order, digests in lowercase hex.</summary>
    public byte[] ToJson()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("_type", StatementType);
            w.WriteStartArray("subject");
            foreach (var s in Subject)
            {
                w.WriteStartObject();
                w.WriteString("name", s.Name);
                WriteDigest(w, "digest", s.Sha256);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("predicateType", PredicateType);
            w.WriteStartObject("predicate");
            w.WriteString("sessionId", Convert.ToHexStringLower(Predicate.SessionId));
            WriteDigest(w, "artifactDigest", Predicate.ArtifactDigest);
            w.WriteStartObject("policy");
            w.WriteNumber("requiredEngineers", Predicate.Policy.RequiredEngineers);
            w.WriteNumber("requiredStewards", Predicate.Policy.RequiredStewards);
            w.WriteEndObject();
            w.WriteStartArray("approvers");
            foreach (var a in Predicate.Approvers)
            {
                w.WriteStartObject();
                w.WriteString("name", a.Name);
                w.WriteString("email", a.Email);
                w.WriteString("role", a.Role);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    /// <summary>Reads a Statement v1 with the mpcsign predicate; throws <see cref="BundleFormatException"/> (MalformedStatement) naming the bad field.</summary>
    public static InTotoStatement Parse(ReadOnlyMemory<byte> json)
    {
        using var doc = JsonFields.Parse(json, "the DSSE payload (in-toto Statement)");
        var root = JsonFields.Expect(doc.RootElement, JsonValueKind.Object, "statement", "an object", Bad);
        var type = JsonFields.String(root, "_type", "statement", Bad);
        if (type != StatementType)
            throw new BundleFormatException(Bad, $"statement._type: expected '{StatementType}'; got '{type}'.");
        var predicateType = JsonFields.String(root, "predicateType", "statement", Bad);
        if (predicateType != QuorumApprovalPredicate.Type)
            throw new BundleFormatException(Bad, $"statement.predicateType: expected '{QuorumApprovalPredicate.Type}'; got '{predicateType}'.");
        var subjects = new List<InTotoSubject>();
        var i = 0;
        foreach (var s in JsonFields.Array(root, "subject", "statement", Bad).EnumerateArray())
        {
            var p = $"statement.subject[{i++}]";
            JsonFields.Expect(s, JsonValueKind.Object, p, "an object", Bad);
            subjects.Add(new InTotoSubject(JsonFields.String(s, "name", p, Bad), ReadDigest(s, "digest", p)));
        }
        if (subjects.Count == 0) throw new BundleFormatException(Bad, "statement.subject: expected at least one subject; got none.");
        return new InTotoStatement { Subject = subjects, Predicate = ReadPredicate(JsonFields.Object(root, "predicate", "statement", Bad)) };
    }

    private static QuorumApprovalPredicate ReadPredicate(JsonElement p)
    {
        const string path = "statement.predicate";
        var policy = JsonFields.Object(p, "policy", path, Bad);
        var approvers = new List<PredicateApprover>();
        var i = 0;
        foreach (var a in JsonFields.Array(p, "approvers", path, Bad).EnumerateArray())
        {
            var ap = $"{path}.approvers[{i++}]";
            JsonFields.Expect(a, JsonValueKind.Object, ap, "an object", Bad);
            approvers.Add(new PredicateApprover(JsonFields.String(a, "name", ap, Bad), JsonFields.String(a, "email", ap, Bad), JsonFields.String(a, "role", ap, Bad)));
        }
        return new QuorumApprovalPredicate
        {
            SessionId = JsonFields.Hex(p, "sessionId", path, 16, Bad),
            ArtifactDigest = ReadDigest(p, "artifactDigest", path),
            Policy = new QuorumPolicy(JsonFields.NonNegativeInt(policy, "requiredEngineers", path + ".policy", Bad),
                JsonFields.NonNegativeInt(policy, "requiredStewards", path + ".policy", Bad)),
            Approvers = approvers,
        };
    }

    private static void WriteDigest(Utf8JsonWriter w, string name, byte[] sha256)
    {
        w.WriteStartObject(name);
        w.WriteString("sha256", Convert.ToHexStringLower(sha256));
        w.WriteEndObject();
    }

    private static byte[] ReadDigest(JsonElement parent, string name, string path) =>
        JsonFields.Hex(JsonFields.Object(parent, name, path, Bad), "sha256", $"{path}.{name}", 32, Bad);
}
