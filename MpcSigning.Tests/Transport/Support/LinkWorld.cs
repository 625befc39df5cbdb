using System.Collections.Concurrent;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using MpcSigning.Attestation;
using MpcSigning.Attestation.Providers.Simulated;
using MpcSigning.Tests.Support;
using MpcSigning.Transport;
using MpcSigning.Transport.Remote;
using MpcSigning.Transport.Tls;

namespace MpcSigning.Tests.Transport.Support;

/// <summary>
/// A deployment in one test process: the link CA, the simulated SEV-SNP root (created once per test run: its RSA-4096
/// keys are the slow part), this build's measurement pinned as TEE_POLICY_HASH, and actor systems with attested links
/// on 127.0.0.1 random ports. Disposing stops every system it started.
/// </summary>
public sealed class LinkWorld : IAsyncDisposable
{
    public const string SystemName = "mpcsign";

    private static readonly Lazy<TempDir> SharedRoot = new(() =>
    {
        var dir = new TempDir();
        using var _ = SimulatedProvider.Open(dir.Path);
        return dir;
    });

    private readonly List<ActorSystem> _systems = [];

    public LinkWorld()
    {
        Ca = LinkCertificateAuthority.Create("test link CA", DateTimeOffset.UtcNow);
        Provider = NewProvider();
        Policy = AttestationPolicy.Strict with
        {
            TrustedSimulatedArkFingerprint = Provider.ArkFingerprint,
            TeePolicyHash = TeePolicyHash.Of(Provider.Measurement),
        };
    }

    public LinkCertificateAuthority Ca { get; }

    /// <summary>This build's simulated provider: the genuine article for this deployment.</summary>
    public SimulatedProvider Provider { get; }

    /// <summary>What honest nodes accept: the shared simulated root and this build's measurement.</summary>
    public AttestationPolicy Policy { get; }

    /// <summary>A provider on the shared simulated root, reporting <paramref name="measurement"/> (default: this build's).</summary>
    public static SimulatedProvider NewProvider(byte[]? measurement = null) => SimulatedProvider.Open(SharedRoot.Value.Path, measurement);

    /// <summary>A measurement that is not this build's.</summary>
    public static byte[] OtherMeasurement() => Enumerable.Repeat((byte)0x5A, 48).ToArray();

    public LinkTlsIdentity Issue(string nodeName) => Ca.Issue(nodeName, DateTimeOffset.UtcNow);

    public sealed record Node(ActorSystem System, Address Address, LinkEvents Events, string Name)
    {
        public AttestedLinks Links => AttestedLinks.Get(System);

        public ActorSelection Select(Node other, string actor) => System.ActorSelection($"{other.Address}/user/{actor}");
    }

    public Node Start(string name, string[]? roles = null, IAttestationProvider? provider = null, AttestationPolicy? policy = null,
        TimeSpan? handshakeTimeout = null, TimeSpan? reattestInterval = null)
    {
        var setup = new AttestedLinkSetup(Issue(name), name, roles ?? ["signer"], provider ?? Provider, policy ?? Policy);
        var config = ConfigurationFactory.ParseString("""
                akka.loglevel = WARNING
                                akka.log-dead-letters = off
                akka.actor.provider = remote
                akka.remote.retry-gate-closed-for = 200 ms
                """)
            .WithFallback(AttestedLinkConfig.Hocon("127.0.0.1", 0, handshakeTimeout: handshakeTimeout ?? TimeSpan.FromSeconds(5),
                reattestInterval: reattestInterval));
        var system = ActorSystem.Create(SystemName, ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config), setup));
        lock (_systems) _systems.Add(system);
        var events = new LinkEvents(system);
        var address = ((ExtendedActorSystem)system).Provider.DefaultAddress;
        system.ActorOf(Props.Create(() => new Recorder()), "recorder");
        system.ActorOf(Props.Create(() => new Echo()), "echo");
        return new Node(system, address, events, name);
    }

    public async ValueTask DisposeAsync()
    {
        ActorSystem[] systems;
        lock (_systems) systems = _systems.ToArray();
        await Task.WhenAll(systems.Select(s => s.Terminate()));
        Provider.Dispose();
        Ca.Dispose();
    }

    /// <summary>Replies to every message with the message itself.</summary>
    public sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(m => Sender.Tell(m));
    }

    /// <summary>Remembers every message it receives (what was delivered), in order.</summary>
    public sealed class Recorder : ReceiveActor
    {
        public Recorder()
        {
            Receive<GetRecorded>(_ => Sender.Tell(new Recorded(_received.ToArray())));
            ReceiveAny(m => _received.Add(m));
        }

        private readonly List<object> _received = [];
    }

    public sealed record GetRecorded;

    public sealed record Recorded(object[] Messages);
}

/// <summary>The link events a node published, in order, to wait on.</summary>
public sealed class LinkEvents
{
    private readonly Channel<object> _events = Channel.CreateUnbounded<object>();
    private readonly ConcurrentQueue<object> _all = new();

    public LinkEvents(ActorSystem system)
    {
        var listener = system.ActorOf(Props.Create(() => new Listener(this)));
        foreach (var type in new[] { typeof(AttestedLinkEstablished), typeof(AttestedLinkRefused), typeof(PeerAttestationFailed),
                     typeof(AttestedLinkReattested), typeof(AttestedLinkClosed) })
            system.EventStream.Subscribe(listener, type);
    }

    public IReadOnlyCollection<object> All => _all.ToArray();

    public IEnumerable<T> Of<T>() => _all.OfType<T>();

    /// <summary>The next event of type <typeparamref name="T"/> (earlier ones of other types are skipped, not lost from <see cref="All"/>).</summary>
    public async Task<T> NextAsync<T>(TimeSpan? within = null)
    {
        using var cts = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            object e;
            try
            {
                e = await _events.Reader.ReadAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no {typeof(T).Name} within {(within ?? TimeSpan.FromSeconds(30)).TotalSeconds} s; events so far: {string.Join("; ", _all)}");
            }
            if (e is T t) return t;
        }
    }

    private sealed class Listener : ReceiveActor
    {
        public Listener(LinkEvents owner) => ReceiveAny(e =>
        {
            owner._all.Enqueue(e);
            owner._events.Writer.TryWrite(e);
        });
    }
}
