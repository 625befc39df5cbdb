namespace MpcSigning.Tests.Support;

/// <summary>
/// Locates ../shared (public vectors and SEV-SNP samples), which CI places beside the clone. Tests read
/// them in place; they are never copied into the project. MPCSIGN_SHARED overrides the search.
/// </summary>
public static class SharedData
{
    private static readonly Lazy<string> Root = new(Find);

    public static string Dir => Root.Value;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Dir, .. parts]);

    private static string Find()
    {
        var env = Environment.GetEnvironmentVariable("MPCSIGN_SHARED");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return env;
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
        {
            var candidate = System.IO.Path.Combine(d.FullName, "shared");
            if (Directory.Exists(System.IO.Path.Combine(candidate, "vectors"))) return candidate;
        }
        throw new DirectoryNotFoundException(
            "../shared (test vectors and SEV-SNP samples) was not found above " + AppContext.BaseDirectory +
            "; place the shared folder beside the clone or set MPCSIGN_SHARED.");
    }
}
