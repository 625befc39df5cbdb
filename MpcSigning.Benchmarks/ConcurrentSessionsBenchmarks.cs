using BenchmarkDotNet.Attributes;
using MpcSigning.AuthN.Software;
using MpcSigning.Hosting;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Coordinator;

namespace MpcSigning.Benchmarks;

/// <summary>
/// Sessions per second with 1, 8 and 32 sessions in flight in one node: 32 whole sessions (request, three approvals,
/// DKG, signature, certificate, durable log append) per invocation, at most <see cref="InFlight"/> at a time. Each
/// in-flight slot has its own three approvers, so approvals race only on the node, not on one authenticator's counter.
/// The reported time is per session (OperationsPerInvoke); sessions/s = 1 / mean.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 2, iterationCount: 8)]
public class ConcurrentSessionsBenchmarks
{
    private const int SessionsPerInvoke = 32;

    private BenchNode _bench = null!;
    private NodeHost _node = null!;

    [Params(1, 8, 32)]
    public int InFlight { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _bench = BenchNode.Start(Enumerable.Range(0, InFlight).SelectMany(BenchSessions.Approvers));
        _node = _bench.Host;
    }

    [Benchmark(Description = "whole session, N in flight", OperationsPerInvoke = SessionsPerInvoke)]
    public Task SessionsInFlight() => BenchSessions.RunAsync(_node.Client, _node.RelyingParty, _bench.Auth, InFlight, SessionsPerInvoke);

    [GlobalCleanup]
    public void Cleanup() => _bench.Stop();
}
