using Microsoft.AspNetCore.Http;

namespace MpcSigning.Web;

/// <summary>The page's files, embedded in this assembly (nothing is loaded from outside the node).</summary>
internal static class Assets
{
    private static readonly Dictionary<string, string> Types = new()
    {
        ["app.js"] = "text/javascript; charset=utf-8", ["style.css"] = "text/css; charset=utf-8",
    };

    public static string Text(string name)
    {
        using var s = typeof(Assets).Assembly.GetManifestResourceStream("MpcSigning.Web.Assets." + name)
                      ?? throw new InvalidOperationException($"the web asset {name} is not embedded in the build");
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    }

    public static IResult Serve(string file) =>
        Types.TryGetValue(file, out var type) ? Results.Text(Text(file), type) : Results.NotFound();
}
