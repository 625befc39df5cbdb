using Akka.Actor;
using Akka.Configuration;
using MpcSigning.Hosting;
using MpcSigning.Hosting.Cluster;
using MpcSigning.Tests.Transport.Support;
using MpcSigning.Transport;
using MpcSigning.Transport.Remote;

namespace MpcSigning.Tests.Cluster;

/// <summary>
/// The two places the attested link transport plugs into the cluster (two in-process members on 127.0.0.1 over attested
/// links): the transport's <see cref="PeerAttestationFailed"/> on the event stream downs that member, and the audit
/// trail's link digest comes from <see cref="LinkAttestation.Lookup"/> (the attested links' table) for remote senders only.
/// </summary>
[NonParallelizable]
public class ClusterHooksTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly List<ActorSystem> _systems = new();
    private LinkWorld _world = null!;

    [SetUp]
    public void Start() => _world = new LinkWorld();

    [TearDown]
    public async Task Stop()
    {
        LinkAttestation.Lookup = _ => LinkAttestation.Unattested;
        foreach (var s in _systems) await s.Terminate();
        _systems.Clear();
        await _world.DisposeAsync();
    }

    private ActorSystem Member(int port, int seedPort)
    {
        var options = new ClusterOptions("127.0.0.1", port, [("127.0.0.1", seedPort)], TimeSpan.FromSeconds(20));
        var name = "member-" + port;
        var transport = ClusterTransport.Create("127.0.0.1", port,
            new AttestedLinkSetup(_world.Issue(name), name, ["signer"], _world.Provider, _world.Policy));
        var config = ClusterAkkaConfig.Member(options, ["signer"], transport)
            .WithFallback(ConfigurationFactory.ParseString("akka.loglevel = OFF\nakka.stdout-loglevel = OFF"));
        var system = ActorSystem.Create(ClusterOptions.SystemName, transport.SystemSetup(config));
        _systems.Add(system);
        system.ActorOf(Props.Create(() => new PeerDowning()), "peer-downing");
        return system;
    }

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }

    private static void AwaitUp(ActorSystem system, int members)
    {
        var cluster = global::Akka.Cluster.Cluster.Get(system);
        var deadline = DateTime.UtcNow + Wait;
        while (cluster.State.Members.Count(m => m.Status == global::Akka.Cluster.MemberStatus.Up) < members)
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"{members} members were not up within {Wait.TotalSeconds} s");
            Thread.Sleep(100);
        }
    }

    [Test]
    public void PeerAttestationFailed_OnTheEventStream_DownsThatMember_AndTheReporterStaysUp()
    {
        var seedPort = FreePort();
        var a = Member(seedPort, seedPort);
        var b = Member(FreePort(), seedPort);
        AwaitUp(a, 2);
        var bAddress = global::Akka.Cluster.Cluster.Get(b).SelfAddress;

        var identity = new LinkIdentity("member-" + bAddress.Port, ["signer"], bAddress.ToString());
        a.EventStream.Publish(new PeerAttestationFailed(bAddress, identity, LinkError.AttestationFailed, "report no longer verifies (test)"));

        Assert.That(b.WhenTerminated.Wait(Wait), Is.True, "the downed member stops its actor system");
        Assert.That(a.WhenTerminated.IsCompleted, Is.False);
        Assert.That(global::Akka.Cluster.Cluster.Get(a).State.Members.Any(m => m.Address.Equals(bAddress) && m.Status == global::Akka.Cluster.MemberStatus.Up),
            Is.False);
    }

    [Test]
    public void LinkAttestation_RemoteSenderGetsItsAttestedLinksDigest_LocalSenderNone()
    {
        var seedPort = FreePort();
        var a = Member(seedPort, seedPort);
        var b = Member(FreePort(), seedPort);
        AwaitUp(a, 2);
        var fromB = b.ActorOf(Props.Empty, "someone");
        var bAddress = global::Akka.Cluster.Cluster.Get(b).SelfAddress;
        var remoteRef = a.ActorSelection(fromB.Path.ToStringWithAddress(bAddress)).ResolveOne(Wait).GetAwaiter().GetResult();

        Assert.That(LinkAttestation.Of(remoteRef), Is.EqualTo(LinkAttestation.Unattested), "before the transport's table is plugged in");
        var links = AttestedLinks.Get(a);
        LinkAttestation.Lookup = address => links.DigestOf(address) ?? "unattested";
        var digest = LinkAttestation.Of(remoteRef);
        Assert.That(digest, Does.Match("^[0-9a-f]{64}$"), "the SHA-256 of b's verified report");
        Assert.That(digest, Is.EqualTo(links.DigestOf(bAddress)));
        Assert.That(LinkAttestation.Of(a.ActorOf(Props.Empty)), Is.EqualTo(Audit.LocalLink));
        Assert.That(LinkAttestation.Of(ActorRefs.NoSender), Is.EqualTo(Audit.LocalLink));
    }
}
