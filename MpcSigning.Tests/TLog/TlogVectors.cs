using System.Text.Json;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.TLog;

/// <summary>The one loader for ../shared/vectors/tlog: every probe file becomes one named test case.</summary>
public static class TlogVectors
{
    public static string Dir(params string[] parts) => SharedData.Path(["vectors", "tlog", .. parts]);

    public static JsonElement Load(string file) => JsonDocument.Parse(File.ReadAllText(Dir(file))).RootElement;

    /// <summary>Every transparency-dev probe under merkle-testdata/&lt;kind&gt;, named by its relative path.</summary>
    public static IEnumerable<TestCaseData> Probes(string kind)
    {
        var root = Dir("merkle-testdata", kind);
        foreach (var f in Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var rel = Path.GetRelativePath(root, f);
            yield return new TestCaseData(f).SetName($"{kind}/{rel}");
        }
    }

    public static byte[] B64(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? Convert.FromBase64String(v.GetString()!) : [];

    public static List<byte[]> B64List(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Select(x => Convert.FromBase64String(x.GetString() ?? "")).ToList()
            : [];

    public static List<byte[]> HexList(JsonElement e, string name) =>
        e.GetProperty(name).EnumerateArray().Select(x => Convert.FromHexString(x.GetString()!)).ToList();
}
