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
        _bench = BenchNode.Start(Enumerable.Range(0, InFlight).SelectMany(Approvers));
        _node = _bench.Host;
    }

    private string Auth => _bench.Auth;

    private static (string Name, Role Role)[] Approvers(int slot) =>
        [($"Alice{slot}", Role.Engineer), ($"Bob{slot}", Role.Steward), ($"Carol{slot}", Role.Steward)];

    private static string Email(string name) => BenchNode.Email(name);

    [Benchmark(Description = "whole session, N in flight", OperationsPerInvoke = SessionsPerInvoke)]
    public async Task SessionsInFlight()
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, InFlight).Select(async slot =>
        {
            while (Interlocked.Increment(ref next) < SessionsPerInvoke) await OneSession(slot);
        }));
    }

    private async Task OneSession(int slot)
    {
        var digest = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var requested = await _node.Client.RequestSigningAsync(digest, "artifact", "bench");
        var session = requested.SessionId.ToByteArray();
        SessionStatus status = null!;
        foreach (var (name, _) in Approvers(slot))
        {
            var assertion = SoftwareAuthenticator.Load(Auth, Email(name)).GetAssertion(requested.Challenge.ToByteArray(), _node.RelyingParty);
            status = await _node.Client.ApproveAsync(session, Email(name), assertion);
        }
        if (status.Phase != SessionPhase.Completed) throw new InvalidOperationException($"session ended {status.Phase}");
    }

    [GlobalCleanup]
    public void Cleanup() => _bench.Stop();
}
