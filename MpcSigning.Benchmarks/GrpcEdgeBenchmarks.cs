using System.Net;
using BenchmarkDotNet.Attributes;
using MpcSigning.AuthN.Software;
using MpcSigning.Hosting;
using MpcSigning.Hosting.Grpc;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Coordinator;

namespace MpcSigning.Benchmarks;

/// <summary>
/// A node's gRPC edge on 127.0.0.1 (mutual TLS 1.3, development certificates) driven by the CLI's client
/// (<see cref="GrpcNodeAccess"/>, attested once at setup): whole sessions (request, three approvals each signed by a
/// local software authenticator, wait for the bundle) with 1 and 8 in flight (time per session; with 1 in flight the
/// median is a session's p50, with 8 sessions/s = 1 / mean), and one GetStatus round trip.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 1, iterationCount: 6)] // run with --inProcess: building the boilerplate times out on a busy machine
public class GrpcEdgeBenchmarks
{
    private const int SessionsPerInvoke = 16;

    private BenchNode _bench = null!;
    private GrpcServer _server = null!;
    private GrpcNodeAccess _access = null!;
    private byte[] _session = null!;
    private string _clientDir = null!;

    [Params(1, 8)]
    public int InFlight { get; set; }

    private static (string Name, Role Role)[] Approvers(int slot) =>
        [($"Alice{slot}", Role.Engineer), ($"Bob{slot}", Role.Steward), ($"Carol{slot}", Role.Steward)];

    [GlobalSetup]
    public void Setup()
    {
        _bench = BenchNode.Start(Enumerable.Range(0, InFlight).SelectMany(Approvers));
        _server = GrpcServer.StartAsync(_bench.Host, new GrpcOptions(IPAddress.Loopback, 0, null, null, null)).GetAwaiter().GetResult();
        var dev = Path.Combine(_bench.Dir, GrpcTls.DevFolder);
        (string, string)[] env =
        [
            (GrpcNodeAccess.CaVariable, Path.Combine(dev, GrpcTls.CaCertFile)),
            (GrpcNodeAccess.CertVariable, Path.Combine(dev, GrpcTls.ClientCertFile)),
            (GrpcNodeAccess.KeyVariable, Path.Combine(dev, GrpcTls.ClientKeyFile)),
        ];
        _clientDir = Directory.CreateTempSubdirectory("mpcsign-bench-client-").FullName;
        _access = GrpcNodeAccess.ConnectAsync(_server.Url, _bench.Config with { SimulatedRootDir = _bench.Dir }, DataDirectory.Open(_clientDir),
            n => env.FirstOrDefault(e => e.Item1 == n).Item2).GetAwaiter().GetResult();
        _session = _access.Client.RequestSigningAsync(new byte[32], "artifact", "bench").GetAwaiter().GetResult().SessionId.ToByteArray();
    }

    [Benchmark(Description = "whole session over gRPC, N in flight", OperationsPerInvoke = SessionsPerInvoke)]
    public async Task SessionsInFlight()
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, InFlight).Select(async slot =>
        {
            while (Interlocked.Increment(ref next) < SessionsPerInvoke) await OneSession(slot);
        }));
    }

    [Benchmark(Description = "GetStatus round trip")]
    public Task<SessionStatus> GetStatus() => _access.Client.StatusAsync(_session);

    private async Task OneSession(int slot)
    {
        var digest = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var requested = await _access.Client.RequestSigningAsync(digest, "artifact", "bench");
        var session = requested.SessionId.ToByteArray();
        SessionStatus status = null!;
        foreach (var (name, _) in Approvers(slot))
        {
            var assertion = SoftwareAuthenticator.Load(_bench.Auth, BenchNode.Email(name)).GetAssertion(requested.Challenge.ToByteArray(), _access.RelyingParty);
            status = await _access.Client.ApproveAsync(session, BenchNode.Email(name), assertion);
        }
        if (status.Phase != SessionPhase.Completed) throw new InvalidOperationException($"session ended {status.Phase}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _access.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _bench.Stop();
        Directory.Delete(_clientDir, recursive: true);
    }
}
