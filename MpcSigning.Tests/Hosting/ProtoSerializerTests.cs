using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using Google.Protobuf;
using Microsoft.Data.Sqlite;
using MpcSigning.Hosting.Akka;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Hosting;

/// <summary>The one Akka serializer for proto/ messages, as the node's actor system and journal use it.</summary>
[NonParallelizable]
public class ProtoSerializerTests
{
    private TestNode _node = null!;

    [OneTimeSetUp]
    public async Task Start() => _node = await TestNode.StartAsync();

    [OneTimeTearDown]
    public async Task Stop() => await _node.DisposeAsync();

    private Serialization Serialization => _node.Host.System.Serialization;

    public static IEnumerable<TestCaseData> AllMessages() =>
        typeof(MpcSigning.Program).Assembly.GetTypes()
            .Where(t => typeof(IMessage).IsAssignableFrom(t) && !t.IsAbstract && t.Namespace!.StartsWith("MpcSigning.Proto"))
            .OrderBy(t => t.FullName)
            .Select(t => new TestCaseData(t).SetName($"Serializer_{t.Name}_IsTheProtoSerializerAndRoundTrips"));

    [TestCaseSource(nameof(AllMessages))]
    public void Serializer_Message_IsTheProtoSerializerAndRoundTrips(Type type)
    {
        var message = (IMessage)Activator.CreateInstance(type)!;
        var serializer = Serialization.FindSerializerFor(message);
        Assert.That(serializer, Is.InstanceOf<ProtoSerializer>());
        var manifest = ((SerializerWithStringManifest)serializer).Manifest(message);
        Assert.That(manifest, Is.EqualTo(message.Descriptor.FullName));
        var back = Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest);
        Assert.That(back, Is.EqualTo(message));
    }

    [Test]
    public void Serializer_PopulatedEvent_RoundTripsByteForByte()
    {
        var e = new SessionEvent
        {
            Sequence = 3, AtUnixMs = 1_700_000_000_000,
            Failed = new Failed { Code = "signing.signer_refused", Reason = "evidence" },
        };
        var serializer = (SerializerWithStringManifest)Serialization.FindSerializerFor(e);
        var bytes = serializer.ToBinary(e);
        Assert.That(bytes, Is.EqualTo(e.ToByteArray()));
        Assert.That(serializer.FromBinary(bytes, "mpcsign.coordinator.SessionEvent"), Is.EqualTo(e));
    }

    [Test]
    public void Serializer_ObjectThatIsNoProtoMessage_IsRefused()
    {
        var serializer = new ProtoSerializer((ExtendedActorSystem)_node.Host.System);
        Assert.That(() => serializer.ToBinary("not a proto message"), Throws.InstanceOf<SerializationException>().With.Message.Contains("proto/"));
        Assert.That(() => serializer.Manifest(new object()), Throws.InstanceOf<SerializationException>());
    }

    [TestCase("mpcsign.coordinator.NoSuchMessage")]
    [TestCase("System.String")]
    [TestCase("")]
    public void Serializer_ManifestNamingNoMessage_IsRefused(string manifest)
    {
        var serializer = new ProtoSerializer((ExtendedActorSystem)_node.Host.System);
        Assert.That(() => serializer.FromBinary([1, 2, 3], manifest),
            Throws.InstanceOf<SerializationException>().With.Message.Contains("names no mpcsign protobuf message"));
    }

    [Test]
    public async Task Journal_SessionEvents_AreStoredByTheProtoSerializerUnderTheirProtobufName()
    {
        var s = await _node.RequestAsync();
        await _node.ApproveAsync(s, "alice@example.com");
        using var c = new SqliteConnection("Data Source=" + _node.Dir.File(NodeAkkaConfig.JournalFileName) + ";Mode=ReadOnly");
        c.Open();
        using var q = c.CreateCommand();
        q.CommandText = "SELECT identifier, manifest, message FROM journal WHERE persistence_id = $p ORDER BY sequence_number";
        q.Parameters.AddWithValue("$p", "session-" + Convert.ToHexStringLower(s));
        using var r = q.ExecuteReader();
        var kinds = new List<SessionEvent.KindOneofCase>();
        while (r.Read())
        {
            Assert.That((r.GetInt32(0), r.GetString(1)), Is.EqualTo((ProtoSerializer.Id, "mpcsign.coordinator.SessionEvent")));
            kinds.Add(SessionEvent.Parser.ParseFrom((byte[])r[2]).KindCase);
        }
        Assert.That(kinds, Is.EqualTo(new[] { SessionEvent.KindOneofCase.Requested, SessionEvent.KindOneofCase.Approved }));
    }

    [Test]
    public void Journal_Connections_AreWalWithFullSync()
    {
        // The journal plugin opens its own connections with SQLite's defaults: WAL (set on the file at node start) and
        // synchronous=FULL (the library's default), so an event is on disk before the session acknowledges anyone.
        using var c = new SqliteConnection("Data Source=" + _node.Dir.File(NodeAkkaConfig.JournalFileName));
        c.Open();
        using var q = c.CreateCommand();
        q.CommandText = "PRAGMA journal_mode";
        Assert.That(q.ExecuteScalar(), Is.EqualTo("wal"));
        q.CommandText = "PRAGMA synchronous";
        Assert.That(q.ExecuteScalar(), Is.EqualTo(2L), "2 = FULL");
    }
}
