using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using MpcSigning.Hosting.Cluster;
using MpcSigning.Proto.Common;
using MpcSigning.Tests.Transport.Support;
using MpcSigning.Transport;
using MpcSigning.Transport.Remote;

namespace MpcSigning.Tests.Cluster;

/// <summary>
/// Only proto/ messages cross a link: two actor systems on 127.0.0.1 with the networked configuration every member and
/// client uses (attested links). A message of any other type is refused at the sender; a frame that names JSON or Akka's generic protobuf
/// serializer (a misconfigured or hostile peer) is refused at the receiver. Nothing refused is delivered, and both
/// systems stay up with their link usable. Delivery order on one link is what shows "nothing before it was delivered".
/// </summary>
public class RemoteSerializationTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    /// <summary>Not declared in proto/: what a careless refactoring could try to send between roles.</summary>
    public sealed record NotProto(string Secret);

    private readonly List<ActorSystem> _systems = new();
    private LinkWorld _world = null!;

    [SetUp]
    public void Start() => _world = new LinkWorld();

    [TearDown]
    public async Task Stop()
    {
        foreach (var s in _systems) await s.Terminate();
        _systems.Clear();
        await _world.DisposeAsync();
    }

    private AttestedLinkSetup Setup(string name) => new(_world.Issue(name), name, ["signer"], _world.Provider, _world.Policy);

    private ActorSystem Networked(string name)
    {
        var transport = ClusterTransport.Create("127.0.0.1", 0, Setup(name));
        var config = ClusterAkkaConfig.Client(transport)
            .WithFallback(ConfigurationFactory.ParseString("akka.loglevel = OFF\nakka.stdout-loglevel = OFF"));
        return Track(ActorSystem.Create(name, transport.SystemSetup(config)));
    }

    /// <summary>
    /// A peer that passes attestation (same build, same link CA) but serializes with Akka.Remote's defaults: JSON for any
    /// type, Akka's generic protobuf serializer for IMessage (a misconfigured or tampered configuration).
    /// </summary>
    private ActorSystem DefaultPeer(string name)
    {
        var config = ConfigurationFactory.ParseString("""
            akka.loglevel = OFF
            akka.stdout-loglevel = OFF
            akka.actor.provider = remote
            akka.actor.serialization-bindings {
              "System.Object" = json
              "Google.Protobuf.IMessage, Google.Protobuf" = proto
              "System.Byte[]" = bytes
            }
            """).WithFallback(AttestedLinkConfig.Hocon("127.0.0.1", 0));
        return Track(ActorSystem.Create(name, ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config), Setup(name))));
    }

    private ActorSystem Track(ActorSystem s)
    {
        _systems.Add(s);
        return s;
    }

    private static (BlockingCollection<object> Received, ActorSelection Remote) Inbox(ActorSystem receiver, ActorSystem sender)
    {
        var received = new BlockingCollection<object>();
        receiver.ActorOf(Props.Create(() => new Collector(received)), "inbox");
        var address = ((ExtendedActorSystem)receiver).Provider.DefaultAddress;
        return (received, sender.ActorSelection(new RootActorPath(address) / "user" / "inbox"));
    }

    private static object Next(BlockingCollection<object> received)
    {
        Assert.That(received.TryTake(out var m, Wait), Is.True, "nothing arrived");
        return m!;
    }

    [Test]
    public void NonProtoMessage_ToARemoteActor_IsRefusedAtTheSender_AndTheLinkStaysUp()
    {
        var receiver = Networked("receiver");
        var sender = Networked("sender");
        var (received, remote) = Inbox(receiver, sender);

        remote.Tell(new NotProto("must not cross"));
        remote.Tell(new Rejected { RequestId = "after" });

        Assert.That(Next(received), Is.InstanceOf<Rejected>().With.Property(nameof(Rejected.RequestId)).EqualTo("after"),
            "the proto message sent after the refused one is the first to arrive");
        Assert.That(sender.WhenTerminated.IsCompleted || receiver.WhenTerminated.IsCompleted, Is.False);
        remote.Tell(new Rejected { RequestId = "still" });
        Assert.That(((Rejected)Next(received)).RequestId, Is.EqualTo("still"), "the link still carries proto messages");
    }

    [Test]
    public void PeerSendingJsonOrGenericProtobuf_IsRefusedAtTheReceiver_WhichStaysUp()
    {
        var receiver = Networked("receiver");
        var peer = DefaultPeer("peer");
        var (received, remote) = Inbox(receiver, peer);

        remote.Tell(new NotProto("as JSON"));                  // serializer 1, Newtonsoft
        remote.Tell(new Rejected { RequestId = "generic" });   // serializer 2, any IMessage type named by the frame
        remote.Tell("marker");                                 // Akka's primitive serializer, which the receiver keeps

        Assert.That(Next(received), Is.EqualTo("marker"), "neither the JSON nor the generic protobuf frame was delivered");
        Assert.That(receiver.WhenTerminated.IsCompleted, Is.False, "the receiver stays up");
        remote.Tell("again");
        Assert.That(Next(received), Is.EqualTo("again"), "and keeps its link to the peer");
    }

    private sealed class Collector : ReceiveActor
    {
        public Collector(BlockingCollection<object> into) => ReceiveAny(into.Add);
    }
}
