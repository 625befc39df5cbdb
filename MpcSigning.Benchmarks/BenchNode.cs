using MpcSigning.Cli;
using MpcSigning.Hosting;
using MpcSigning.Proto.AuthN;

namespace MpcSigning.Benchmarks;

/// <summary>A real node in a temporary data directory with software-authenticator approvers, for the session benchmarks.</summary>
internal sealed class BenchNode
{
    private BenchNode(string dir, NodeConfig config, NodeHost host)
    {
        Dir = dir;
        Config = config;
        Host = host;
    }

    public string Dir { get; }

    public NodeConfig Config { get; }

    public NodeHost Host { get; }

    public string Auth => Path.Combine(Dir, "auth");

    public static string Email(string name) => name.ToLowerInvariant() + "@example.com";

    /// <param name="environment">Further configuration variables (e.g. the storage provider), beside simulated attestation.</param>
    public static BenchNode Start(IEnumerable<(string Name, Role Role)> approvers, IReadOnlyDictionary<string, string>? environment = null)
    {
        var dir = Directory.CreateTempSubdirectory("mpcsign-bench-").FullName;
        var config = NodeConfig.Load(null, n => n == "MPCSIGN_ALLOW_SIMULATED_ATTESTATION" ? "true" : environment?.GetValueOrDefault(n));
        var host = NodeHost.StartAsync(config, DataDirectory.Open(dir), TimeProvider.System).GetAwaiter().GetResult();
        var node = new BenchNode(dir, config, host);
        foreach (var (name, role) in approvers)
            FlowCommands.EnrollAsync(host.Client, host.RelyingParty, node.Auth, name, Email(name), role).GetAwaiter().GetResult();
        return node;
    }

    public void Stop()
    {
        Host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(Dir, recursive: true);
    }
}
