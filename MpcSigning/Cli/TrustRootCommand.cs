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
            if (p.GetValue(output) is { } path)
            {
                await File.WriteAllBytesAsync(path, json);
                // The trust policy chain beside it (a single node's, here or over gRPC, or a cluster's policy service's).
                var chainJson = node switch
                {
                    NodeHost host => host.Policy.Load() is { } c ? Policy.PolicyJson.WriteChain(c) : null,
                    Hosting.Grpc.GrpcNodeAccess remote => (await remote.TrustRootAsync()).TrustPolicyJson is { IsEmpty: false } b ? b.ToByteArray() : null,
                    Hosting.Cluster.ClusterConnection cluster => await cluster.TrustPolicyAsync() is { } c ? Policy.PolicyJson.WriteChain(c) : null,
                    _ => null,
                };
                if (chainJson is not null)
                {
                    var chain = Policy.PolicyJson.ReadChain(chainJson, "the node's trust policy chain");
                    if (chain.Versions.Count == 0) throw new CliException("the node's trust policy chain holds no policy version");
                    var policyPath = TrustPolicyFiles.BesideTrustRoot(path);
                    await File.WriteAllBytesAsync(policyPath, chainJson);
                    ctx.Error.WriteLine($"trust policy v{chain.Versions[^1].Policy.Version} written to {policyPath}; " +
                        $"v1 fingerprint {Policy.PolicyDigest.Fingerprint(chain.Versions[0].Policy)} (pin it: verify --policy-pin)");
                }
            }
            else ctx.Out.WriteLine(System.Text.Encoding.UTF8.GetString(json));
            return 0;
        }));
        return cmd;
    }
}
