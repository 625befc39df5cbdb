using System.CommandLine;
using MpcSigning.Hosting;

namespace MpcSigning.Cli;

/// <summary>mpcsign trust-root: the Sigstore TrustedRoot for this deployment (CA and log key), for offline verifiers.</summary>
internal static class TrustRootCommand
{
    public static Command Build()
    {
        var output = new Option<string?>("--out") { Description = "Write to this file instead of standard output" };
        var cmd = new Command("trust-root", "Print the Sigstore TrustedRoot JSON of this deployment's CA and log key") { output };
        cmd.SetAction(p => CliApp.Execute(p, async ctx =>
        {
            await using var node = await NodeAccess.OpenAsync(ctx);
            var json = await node.TrustedRootJsonAsync();
            if (p.GetValue(output) is { } path) await File.WriteAllBytesAsync(path, json);
            else ctx.Out.WriteLine(System.Text.Encoding.UTF8.GetString(json));
            return 0;
        }));
        return cmd;
    }
}
