using Akka.Actor;
using Akka.Configuration;
using MpcSigning.Hosting;
using MpcSigning.Hosting.Cluster;

namespace MpcSigning.Tests.Cluster;

/// <summary>
/// The two places the attested link transport plugs into the cluster: a <see cref="PeerAttestationFailed"/> on the event
/// stream downs that member (two in-process members on 127.0.0.1), and the audit trail's link digest comes from
/// <see cref="LinkAttestation.Lookup"/> for remote senders only.
/// </summary>
[NonParallelizable]
public class ClusterHooksTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly List<ActorSystem> _systems = new();

    [TearDown]
    public async Task Stop()
    {
        LinkAttestation.Lookup = _ => LinkAttestation.Unattested;
        foreach (var s in _systems) await s.Terminate();
        _systems.Clear();
    }

    private ActorSystem Member(int port, int seedPort)
    {
        var options = new ClusterOptions("127.0.0.1", port, [("127.0.0.1", seedPort)], TimeSpan.FromSeconds(20));
        var transport = ClusterTransport.Create("127.0.0.1", port);
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

        a.EventStream.Publish(new PeerAttestationFailed(bAddress, "report no longer verifies (test)"));

        Assert.That(b.WhenTerminated.Wait(Wait), Is.True, "the downed member stops its actor system");
        Assert.That(a.WhenTerminated.IsCompleted, Is.False);
        Assert.That(global::Akka.Cluster.Cluster.Get(a).State.Members.Any(m => m.Address.Equals(bAddress) && m.Status == global::Akka.Cluster.MemberStatus.Up),
            Is.False);
    }

    [Test]
    public void LinkAttestation_RemoteSenderGetsTheLookupsDigest_LocalSenderNone()
    {
        var seedPort = FreePort();
        var a = Member(seedPort, seedPort);
        var b = Member(FreePort(), seedPort);
        AwaitUp(a, 2);
        var fromB = b.ActorOf(Props.Empty, "someone");
        var bAddress = global::Akka.Cluster.Cluster.Get(b).SelfAddress;
        var remoteRef = a.ActorSelection(fromB.Path.ToStringWithAddress(bAddress)).ResolveOne(Wait).GetAwaiter().GetResult();

        Assert.That(LinkAttestation.Of(remoteRef), Is.EqualTo(LinkAttestation.Unattested), "plain TCP attests nothing");
        LinkAttestation.Lookup = address => "digest-of-" + address.Port;
        Assert.That(LinkAttestation.Of(remoteRef), Is.EqualTo("digest-of-" + bAddress.Port));
        Assert.That(LinkAttestation.Of(a.ActorOf(Props.Empty)), Is.EqualTo(Audit.LocalLink));
        Assert.That(LinkAttestation.Of(ActorRefs.NoSender), Is.EqualTo(Audit.LocalLink));
    }
}
