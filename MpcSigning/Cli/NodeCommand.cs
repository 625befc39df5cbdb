using System.CommandLine;
using System.Runtime.InteropServices;
using MpcSigning.Hosting;
using MpcSigning.Hosting.Cluster;

namespace MpcSigning.Cli;

/// <summary>
/// mpcsign node: without a Cluster section, one node with every role serving gRPC (<see cref="SingleNode"/>); with one,
/// runs one long-lived member of a cluster with the roles its configuration names, until SIGTERM or SIGINT
/// (then Akka's coordinated shutdown: singletons handed over, the cluster left) or until the cluster downs it.
/// </summary>
internal static class NodeCommand
{
    /// <summary>Exit code when the cluster removed this member (downed by the split-brain resolver or an operator).</summary>
    public const int Downed = 1;

    /// <summary>
    /// Exit code when this member did not become Up within Cluster:JoinTimeoutSeconds (sysexits' EX_TEMPFAIL: starting it
    /// again may well succeed, as a supervisor does).
    /// </summary>
    public const int NotJoined = 75;

    public static Command Build()
    {
        var cmd = new Command("node", "Run a node serving gRPC (every role), or with a Cluster section in --config one member of a cluster (see config/cluster/)");
        cmd.SetAction(p => CliApp.Execute(p, RunAsync));
        return cmd;
    }

    private static async Task<int> RunAsync(CliContext ctx)
    {
        var config = NodeConfig.Load(ctx.ConfigFile, Environment.GetEnvironmentVariable)
            with { LockWait = DataDirectory.LockWait(ctx.WaitSeconds, Environment.GetEnvironmentVariable) };
        if (config.Cluster is null) return await SingleNode.RunAsync(ctx, config);
        var stop = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSignal(PosixSignalContext signal)
        {
            signal.Cancel = true; // we stop ourselves, through the cluster's coordinated shutdown
            stop.TrySetResult(signal.Signal.ToString());
        }
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

        var node = await ClusterNode.StartAsync(config, DataDirectory.Open(ctx.DataDir), TimeProvider.System);
        try
        {
            var seeds = string.Join(", ", config.Cluster!.SeedNodes.Select(s => $"{s.Host}:{s.Port}"));
            ctx.Out.WriteLine($"node {config.NodeName} ({string.Join(", ", config.Roles)}) at {node.SelfAddress}; joining through {seeds}");
            var joinTimeout = config.Cluster.JoinTimeout;
            var joinDeadline = Task.Delay(joinTimeout);
            var up = await Task.WhenAny(node.WhenUp, stop.Task, node.System.WhenTerminated, joinDeadline);
            if (up == joinDeadline)
            {
                ctx.Error.WriteLine($"mpcsign: node {config.NodeName} did not become Up in the cluster within {joinTimeout.TotalSeconds:0} s " +
                    $"(Cluster:JoinTimeoutSeconds) joining through {seeds}: " +
                    $"no seed answered, or the cluster that answered did not let it in; check that a seed node runs and can reach " +
                    $"{node.SelfAddress}, then start it again (a supervisor restarts it)");
                return NotJoined;
            }
            if (up == node.WhenUp) ctx.Out.WriteLine($"node {config.NodeName} is up");
            await Task.WhenAny(stop.Task, node.System.WhenTerminated);
            // The generic host's console lifetime also hears the signal and may have run the shutdown first.
            if (stop.Task.IsCompleted)
            {
                ctx.Out.WriteLine($"node {config.NodeName}: {stop.Task.Result}, leaving the cluster");
                return 0;
            }
            ctx.Error.WriteLine($"mpcsign: node {config.NodeName} was removed from the cluster (downed); restart it to rejoin");
            return Downed;
        }
        finally
        {
            await node.DisposeAsync();
            ctx.Out.Flush();
        }
    }
}
