using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Proto.Coordinator;

namespace MpcSigning.Hosting;

/// <summary>
/// What the flow commands (enroll, request, join, status) need from a node, wherever it runs: the node embedded in the
/// CLI process (<see cref="NodeHost"/>), or a cluster reached as a client (<see cref="Cluster.ClusterConnection"/>).
/// </summary>
public interface INodeAccess : IAsyncDisposable
{
    NodeClient Client { get; }

    RelyingParty RelyingParty { get; }

    /// <summary>Where the bundle of a completed session is on this machine (the embedded node wrote it; a client saves it).</summary>
    string BundleFile(SessionStatus status);

    /// <summary>The deployment's Sigstore TrustedRoot JSON (its CA certificate and log key), for offline verifiers.</summary>
    Task<byte[]> TrustedRootJsonAsync();
}

/// <summary>Opens the node the CLI's configuration describes.</summary>
public static class NodeAccess
{
    /// <summary>
    /// With --node (or MPCSIGN_NODE): that running node over gRPC, attested before anything is sent.
    /// With a Cluster section in the configuration: a client of that cluster (no roles, no data directory lock; bundles
    /// are saved under --data-dir). Without: the node embedded in this process on --data-dir, as always.
    /// </summary>
    public static async Task<INodeAccess> OpenAsync(Cli.CliContext ctx)
    {
        var config = NodeConfig.Load(ctx.ConfigFile, Environment.GetEnvironmentVariable);
        if (ctx.Node is { } url) return await Grpc.GrpcNodeAccess.ConnectAsync(url, config, DataDirectory.Open(ctx.DataDir), Environment.GetEnvironmentVariable);
        if (config.Cluster is not null) return await Cluster.ClusterConnection.ConnectAsync(config, DataDirectory.Open(ctx.DataDir));
        return await NodeHost.StartAsync(ctx);
    }
}

/// <summary>Where a client of a remote node (gRPC or cluster) keeps the bundles of completed sessions.</summary>
internal static class ClientBundles
{
    /// <summary>Saves a completed session's bundle once, atomically, under DATA/bundles/SESSION.json; returns its path.</summary>
    public static string Save(DataDirectory data, SessionStatus status)
    {
        var path = data.File(Path.Combine("bundles", Convert.ToHexStringLower(status.SessionId.Span) + ".json"));
        if (status.Phase == SessionPhase.Completed && !status.BundleJson.IsEmpty && !File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var tmp = path + ".tmp-" + Guid.NewGuid().ToString("N");
            File.WriteAllBytes(tmp, status.BundleJson.ToByteArray());
            File.Move(tmp, path, overwrite: true);
        }
        return path;
    }
}
