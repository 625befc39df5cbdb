using System.Buffers;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using BenchmarkDotNet.Attributes;
using MpcSigning.Attestation;
using MpcSigning.Attestation.Providers.Simulated;
using MpcSigning.Proto.Common;
using MpcSigning.Transport;
using MpcSigning.Transport.Handshake;
using MpcSigning.Transport.Remote;
using MpcSigning.Transport.Tls;

namespace MpcSigning.Benchmarks;

/// <summary>
/// Attested link set-up on loopback with simulated attestation: TCP connect, TLS 1.3 with certificates on both sides,
/// the three-frame attestation handshake (two simulated reports signed, two verified with the chain cached), until the
/// dialing side holds an established link. Both ends run in this process (2 cores), as two nodes on one machine would.
/// Goal (issue 9): at most 10 ms.
/// </summary>
[MemoryDiagnoser, MinColumn, MedianColumn]
public class LinkSetupBenchmarks
{
    private string _dir = "";
    private LinkCertificateAuthority _ca = null!;
    private SimulatedProvider _provider = null!;
    private AttestedLinkEndpoint _server = null!, _client = null!;
    private string _dialed = "";
    private int _port;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("mpcsign-bench-link-").FullName;
        _ca = LinkCertificateAuthority.Create("bench link CA", DateTimeOffset.UtcNow);
        _provider = SimulatedProvider.Open(_dir);
        var policy = AttestationPolicy.Strict with
        {
            TrustedSimulatedArkFingerprint = _provider.ArkFingerprint, TeePolicyHash = TeePolicyHash.Of(_provider.Measurement),
        };
        (_server, _port) = Endpoint("server", policy, link => link.Start(new Discard()));
        (_client, _) = Endpoint("client", policy, _ => { });
        _dialed = $"akka.tcp://mpcsign@127.0.0.1:{_port}";
        SetUp().GetAwaiter().GetResult(); // first contact verifies the RSA-4096 chain once; later links hit the cache
        _cpuAtStart = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        _links = 0;
    }

    private TimeSpan _cpuAtStart;
    private long _links;

    private (AttestedLinkEndpoint, int) Endpoint(string name, AttestationPolicy policy, Action<AttestedLink> onInbound)
    {
        var ctx = new LinkContext(new AttestedLinkSetup(_ca.Issue(name, DateTimeOffset.UtcNow), name, ["signer"], _provider, policy), new LinkOptions());
        var endpoint = new AttestedLinkEndpoint(ctx, NoLinkEvents.Instance);
        var port = endpoint.Listen("127.0.0.1", 0).Port;
        ctx.Self = new LinkIdentity(name, ["signer"], $"akka.tcp://mpcsign@127.0.0.1:{port}");
        endpoint.StartAccepting(link =>
        {
            onInbound(link);
            return Task.CompletedTask;
        });
        return (endpoint, port);
    }

    [Benchmark]
    public async Task SetUp()
    {
        var link = await _client.ConnectAsync("127.0.0.1", _port, _dialed);
        link.Close("benchmark");
        _links++;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - _cpuAtStart;
        Console.WriteLine($"// CPU per link set-up (both ends): {cpu.TotalMilliseconds / Math.Max(1, _links):0.00} ms over {_links} links");
        _client.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _provider.Dispose();
        _ca.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private sealed class Discard : ILinkReceiver
    {
        public void OnPayload(ReadOnlySequence<byte> payload) { }
        public void OnClosed(string reason) { }
    }
}

/// <summary>
/// Protobuf messages per second between two actor systems in this process over the attested link, the shape of
/// Akka.NET's RemotePingPong: N actor pairs, each keeping a window of tells in flight to an echo on the other system.
/// Messages counts both directions (every round trip is two messages), like RemotePingPong. The plain DotNetty TCP
/// transport (no TLS, no attestation) runs the same load for comparison. Goal (issue 9): at least 125,000 messages/s.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 8, invocationCount: 1), MinColumn, MedianColumn]
public class LinkThroughputBenchmarks
{
    private const int RoundTripsPerPair = 20_000;
    private const int Window = 200;

    private string _dir = "";
    private LinkCertificateAuthority? _ca;
    private SimulatedProvider? _provider;
    private ActorSystem _local = null!, _remote = null!;
    private IActorRef _echo = ActorRefs.Nobody;

    [Params("attested", "dotnetty")]
    public string Transport { get; set; } = "attested";

    [Params(1, 5)]
    public int Pairs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("mpcsign-bench-link-").FullName;
        _local = Start("local");
        _remote = Start("remote");
        _remote.ActorOf(Props.Create(() => new Echo()), "echo");
        var address = ((ExtendedActorSystem)_remote).Provider.DefaultAddress;
        _echo = _local.ActorSelection($"{address}/user/echo").ResolveOne(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        _cpuAtStart = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
    }

    private TimeSpan _cpuAtStart;
    private long _messages;

    private ActorSystem Start(string name)
    {
        var baseConfig = ConfigurationFactory.ParseString("akka.loglevel = WARNING\nakka.actor.provider = remote");
        if (Transport == "dotnetty")
        {
            var plain = ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }")
                .WithFallback(ConfigurationFactory.ParseString(AttestedLinkConfig.ProtoOnlySerialization));
            return ActorSystem.Create("mpcsign", plain.WithFallback(baseConfig));
        }
        _ca ??= LinkCertificateAuthority.Create("bench link CA", DateTimeOffset.UtcNow);
        _provider ??= SimulatedProvider.Open(_dir);
        var policy = AttestationPolicy.Strict with
        {
            TrustedSimulatedArkFingerprint = _provider.ArkFingerprint, TeePolicyHash = TeePolicyHash.Of(_provider.Measurement),
        };
        var setup = new AttestedLinkSetup(_ca.Issue(name, DateTimeOffset.UtcNow), name, ["signer"], _provider, policy);
        var config = AttestedLinkConfig.Hocon("127.0.0.1", 0).WithFallback(baseConfig);
        return ActorSystem.Create("mpcsign", ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config), setup));
    }

    [Benchmark(OperationsPerInvoke = 2 * RoundTripsPerPair)]
    public async Task PingPong()
    {
        var done = Enumerable.Range(0, Pairs).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var pingers = done.Select(d => _local.ActorOf(Props.Create(() => new Pinger(_echo, RoundTripsPerPair / Pairs, Window, d)))).ToArray();
        foreach (var p in pingers) p.Tell(Pinger.Go.Instance);
        await Task.WhenAll(done.Select(d => d.Task)).WaitAsync(TimeSpan.FromSeconds(120));
        foreach (var p in pingers) _local.Stop(p);
        _messages += 2 * RoundTripsPerPair;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        // Wall time on a shared 2-core machine depends on the neighbours; CPU time per message does not.
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - _cpuAtStart;
        Console.WriteLine($"// CPU per message ({Transport}, {Pairs} pairs, both systems): {cpu.TotalMicroseconds / Math.Max(1, _messages):0.00} us over {_messages} messages");
        Task.WhenAll(_local.Terminate(), _remote.Terminate()).Wait(TimeSpan.FromSeconds(30));
        _provider?.Dispose();
        _ca?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private sealed class Echo : ReceiveActor
    {
        public Echo() => Receive<ErrorInfo>(m => Sender.Tell(m));
    }

    private sealed class Pinger : ReceiveActor
    {
        public sealed class Go
        {
            public static readonly Go Instance = new();
        }

        private static readonly ErrorInfo Ping = new() { Code = "ping", Message = "attested" };

        public Pinger(IActorRef echo, int total, int window, TaskCompletionSource done)
        {
            var sent = 0;
            var received = 0;
            Receive<Go>(_ =>
            {
                for (; sent < Math.Min(window, total); sent++) echo.Tell(Ping);
            });
            Receive<ErrorInfo>(_ =>
            {
                received++;
                if (sent < total)
                {
                    echo.Tell(Ping);
                    sent++;
                }
                if (received == total) done.TrySetResult();
            });
        }
    }
}
