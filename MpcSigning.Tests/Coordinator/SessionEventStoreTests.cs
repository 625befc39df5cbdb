using MpcSigning.Coordinator;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Storage;
using MpcSigning.Storage.Sqlite;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Coordinator;

public class SessionEventStoreTests
{
    private TempDir _dir = null!;
    private SqliteSessionEventStore _store = null!;
    private static readonly byte[] Session = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();

    [SetUp]
    public void Open()
    {
        _dir = new TempDir();
        _store = new SqliteSessionEventStore(SqliteDatabase.Open(_dir.File("node.db")));
    }

    [TearDown]
    public void Remove() => _dir.Dispose();

    private static SessionEvent Requested(ulong seq) => new()
    {
        Sequence = seq, AtUnixMs = 1000,
        Requested = new Requested { SessionId = Google.Protobuf.ByteString.CopyFrom(Session), Policy = new QuorumPolicy { RequiredStewards = 1 } },
    };

    [Test]
    public void Append_ThenLoad_ReturnsEventsInOrderAndFoldsToState()
    {
        _store.Append(Session, 0, [Requested(1)]);
        _store.Append(Session, 1, [new SessionEvent { Sequence = 2, Expired = new Expired() }]);
        var events = _store.Load(Session);
        Assert.That(events.Select(e => e.Sequence), Is.EqualTo(new ulong[] { 1, 2 }));
        Assert.That(SessionFold.Replay(events).Phase, Is.EqualTo(SessionPhase.Expired));
    }

    [Test]
    public void Append_BehindTheStream_IsRefusedAndWritesNothing()
    {
        _store.Append(Session, 0, [Requested(1)]);
        Assert.Throws<ConcurrentAppendException>(() => _store.Append(Session, 0, [Requested(1)]));
        Assert.That(_store.Load(Session), Has.Count.EqualTo(1));
    }

    [Test]
    public void Load_UnknownSession_IsEmpty() => Assert.That(_store.Load(new byte[16]), Is.Empty);

    [Test]
    public void ListSigningInterrupted_AfterReopen_ListsOnlySessionsStoppedBetweenQuorumAndLog()
    {
        var waiting = Enumerable.Repeat((byte)7, 16).ToArray();
        _store.Append(waiting, 0, [Requested(1)]);
        _store.Append(Session, 0, [Requested(1), new SessionEvent { Sequence = 2, QuorumReached = new QuorumReached() }]);
        var reopened = new SqliteSessionEventStore(SqliteDatabase.Open(_dir.File("node.db")));
        Assert.That(reopened.ListSigningInterrupted().Single(), Is.EqualTo(Session));
        reopened.Append(Session, 2, [new SessionEvent { Sequence = 3, Expired = new Expired() }]);
        Assert.That(reopened.ListSigningInterrupted(), Is.Empty);
    }

    [Test]
    public void Replay_StreamWithAGap_IsRejected() =>
        Assert.Throws<InvalidDataException>(() => SessionFold.Replay([Requested(1), new SessionEvent { Sequence = 3, Expired = new Expired() }]));
}
