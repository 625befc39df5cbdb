using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using MpcSigning.AuthN.Software;
using MpcSigning.Cli;
using MpcSigning.Hosting;
using MpcSigning.Hosting.Cluster;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Coordinator;

namespace MpcSigning.Benchmarks;

/// <summary>
/// One whole session across the 7-process cluster of config/cluster/ (authn, ca, tlog, coordinator, three signers, each
/// an <c>mpcsign node</c> process on 127.0.0.1), driven by a cluster client in this process exactly as the CLI does:
/// request, three approvals, DKG among the signer processes, certificate, signature, durable log append, bundle.
/// With 1 in flight the median is the session's p50 latency; with 8, sessions/s = 1 / mean (OperationsPerInvoke).
/// </summary>
[SimpleJob(warmupCount: 2, iterationCount: 8)]
public class ClusterSessionBenchmarks
{
    private const int SessionsPerInvoke = 16;
    private static readonly string[] Members = ["authn", "ca", "tlog", "coordinator", "signer-1", "signer-2", "signer-3"];

    private readonly List<Process> _members = new();
    private string _dir = null!;
    private ClusterConnection _client = null!;

    [Params(1, 8)]
    public int InFlight { get; set; }

    private string Auth => Path.Combine(_dir, "auth");

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("mpcsign-bench-cluster-").FullName;
        var template = DataDirectory.Open(Path.Combine(_dir, "template"));
        // every member and the client share one simulated root and one development link CA (the template directory)
        var sharedEnv = new Dictionary<string, string>
        {
            ["MPCSIGN_ALLOW_SIMULATED_ATTESTATION"] = "true",
            ["MPCSIGN_SIMULATED_ROOT_DIR"] = template.Path,
            ["MPCSIGN_LINK_CA_DIR"] = template.Path,
        };
        var allowSimulated = (string n) => sharedEnv.GetValueOrDefault(n);
        // One simulated SEV-SNP authority for all members: generating its RSA keys is the slow part of a first start.
        NodeAttestation.AttestSelfAsync(NodeConfig.Load(null, allowSimulated), template, TimeProvider.System).GetAwaiter().GetResult();
        var ports = Members.ToDictionary(m => m, _ => FreePort());
        var seeds = "127.0.0.1:" + ports["authn"];
        var up = new List<Task>();
        foreach (var m in Members)
        {
            var data = Path.Combine(_dir, m);
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "mpcsign.dll"), "node", "--config", ConfigFile(m), "--data-dir", data })
                psi.ArgumentList.Add(a);
            foreach (var (name, value) in sharedEnv) psi.Environment[name] = value;
            psi.Environment["MPCSIGN_CLUSTER_SEED_NODES"] = seeds;
            psi.Environment["MPCSIGN_CLUSTER_PORT"] = ports[m].ToString(System.Globalization.CultureInfo.InvariantCulture);
            var p = Process.Start(psi)!;
            _members.Add(p);
            var ready = new TaskCompletionSource();
            p.OutputDataReceived += (_, e) => { if (e.Data?.EndsWith(" is up", StringComparison.Ordinal) == true) ready.TrySetResult(); };
            p.ErrorDataReceived += (_, _) => { };
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            up.Add(ready.Task);
        }
        if (!Task.WaitAll([.. up], TimeSpan.FromMinutes(2))) throw new InvalidOperationException("the cluster did not come up");
        var config = NodeConfig.Load(ConfigFile("client"), n => n == "MPCSIGN_CLUSTER_SEED_NODES" ? seeds : allowSimulated(n));
        _client = ClusterConnection.ConnectAsync(config, DataDirectory.Open(Path.Combine(_dir, "client"))).GetAwaiter().GetResult();
        foreach (var (name, role) in Enumerable.Range(0, InFlight).SelectMany(BenchSessions.Approvers))
            Retry(() => FlowCommands.EnrollAsync(_client.Client, _client.RelyingParty, Auth, name, BenchNode.Email(name), role)); // the first waits for the singletons
    }

    [Benchmark(Description = "whole session over 7 processes, N in flight", OperationsPerInvoke = SessionsPerInvoke)]
    public Task SessionsInFlight() => BenchSessions.RunAsync(_client.Client, _client.RelyingParty, Auth, InFlight, SessionsPerInvoke);

    [GlobalCleanup]
    public void Cleanup()
    {
        _client?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        foreach (var p in _members)
        {
            try
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit();
            }
            catch (InvalidOperationException)
            {
                // already exited
            }
            p.Dispose();
        }
        Directory.Delete(_dir, recursive: true);
    }

    private static string ConfigFile(string member) => Path.Combine(AppContext.BaseDirectory, "config", "cluster", member + ".json");

    private static void Retry(Func<Task> call)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            try
            {
                call().GetAwaiter().GetResult();
                return;
            }
            catch (Akka.Actor.AskTimeoutException) when (DateTime.UtcNow < deadline)
            {
            }
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
