using System.Runtime.InteropServices;
using MpcSigning.Hosting;
using MpcSigning.Hosting.Grpc;

namespace MpcSigning.Cli;

/// <summary>
/// mpcsign node without a Cluster section: one node with every role on the data directory, serving its gRPC edge
/// (<see cref="GrpcServer"/>) until SIGTERM or SIGINT, then stopping the edge and the node in order.
/// </summary>
internal static class SingleNode
{
    public static async Task<int> RunAsync(CliContext ctx, NodeConfig config)
    {
        var grpc = GrpcOptions.Load(config, Environment.GetEnvironmentVariable); // before anything starts: bad settings change nothing
        var stop = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSignal(PosixSignalContext signal)
        {
            signal.Cancel = true;
            stop.TrySetResult(signal.Signal.ToString());
        }
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

        await using var node = await NodeHost.StartAsync(config, DataDirectory.Open(ctx.DataDir), TimeProvider.System);
        await using (var server = await GrpcServer.StartAsync(node, grpc))
        {
            if (server.DevelopmentFolder is { } dev)
                ctx.Out.WriteLine($"development TLS files in {dev}: clients use " +
                    $"{GrpcNodeAccess.CaVariable}={Path.Combine(dev, GrpcTls.CaCertFile)} " +
                    $"{GrpcNodeAccess.CertVariable}={Path.Combine(dev, GrpcTls.ClientCertFile)} " +
                    $"{GrpcNodeAccess.KeyVariable}={Path.Combine(dev, GrpcTls.ClientKeyFile)}");
            ctx.Out.WriteLine($"node {config.NodeName} ({string.Join(", ", config.Roles)}) on {node.Data.Path} serving gRPC at {server.Url}");
            if (server.WebUrl is { } web)
                ctx.Out.WriteLine($"approval page at {web} (browsers use the relying party origin {node.RelyingParty.PrimaryOrigin})");
            ctx.Out.Flush();
            var why = await stop.Task;
            ctx.Out.WriteLine($"node {config.NodeName}: {why}, stopping");
        }
        ctx.Out.Flush();
        return 0;
    }
}
