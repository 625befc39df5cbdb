using System.Text;
using System.Text.Json.Nodes;
using MpcSigning.Bundle;

namespace MpcSigning.Tests.Bundle;

/// <summary>
/// Loads Data/malformed-bundles.json: each case is named after the mutation it applies to a valid bundle
/// ("raw" replaces the text, "append" adds text, "ops" remove/set JSON pointers) and gives the expected
/// error code and a fragment of the expected message.
/// </summary>
public static class MalformedBundleCases
{
    public sealed record Case(string Name, JsonObject Spec, BundleErrorCode Code, string Message)
    {
        public override string ToString() => Name;
    }

    public static IEnumerable<TestCaseData> All()
    {
        var file = Path.Combine(DataDir(), "malformed-bundles.json");
        foreach (var node in JsonNode.Parse(File.ReadAllText(file))!.AsArray())
        {
            var o = node!.AsObject();
            var c = new Case((string)o["name"]!, o, Enum.Parse<BundleErrorCode>((string)o["code"]!), (string)o["message"]!);
            yield return new TestCaseData(c).SetName($"Read_{c.Name}_FailsWith{c.Code}");
        }
    }

    /// <summary>Applies the case's mutation to a valid bundle's JSON.</summary>
    public static byte[] Apply(Case c, byte[] validJson)
    {
        if (c.Spec["raw"] is { } raw) return Encoding.UTF8.GetBytes((string)raw!);
        if (c.Spec["append"] is { } tail) return [.. validJson, .. Encoding.UTF8.GetBytes((string)tail!)];
        var root = JsonNode.Parse(validJson)!;
        foreach (var op in c.Spec["ops"]!.AsArray())
        {
            var pointer = (string?)op!["remove"] ?? (string)op["set"]!;
            var segments = pointer.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var parent = segments[..^1].Aggregate(root, (n, s) => n[s]!).AsObject();
            if (op["remove"] is not null) parent.Remove(segments[^1]);
            else parent[segments[^1]] = op["value"]?.DeepClone();
        }
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private static string DataDir()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "MpcSigning.Tests", "Bundle", "Data");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("MpcSigning.Tests/Bundle/Data was not found above " + AppContext.BaseDirectory);
    }
}
