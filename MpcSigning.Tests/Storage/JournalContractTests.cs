using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Persistence;
using MpcSigning.Coordinator;
using MpcSigning.Proto.Coordinator;

namespace MpcSigning.Tests.Storage;

/// <summary>
/// The session journal (Akka.Persistence.Sql) on SQLite and PostgreSQL, configured exactly as a node configures it
/// (<see cref="MpcSigning.Storage.NodeStores.JournalConfig"/>): events persisted by one actor system are recovered in
/// order by the next one (a restarted node, or on PostgreSQL another node), many sessions write concurrently, and two
/// live incarnations of one session cannot both append its next event.
/// </summary>
[TestFixtureSource(typeof(StoreUnderTest), nameof(StoreUnderTest.Kinds))]
public class JournalContractTests(string kind)
{
    private StoreUnderTest _store = null!;
    private readonly List<ActorSystem> _systems = [];

    [SetUp]
    public void SetUp() => _store = new StoreUnderTest(kind);

    [TearDown]
    public async Task TearDown()
    {
        foreach (var s in _systems) await s.Terminate();
        _store.Dispose();
    }

    private ActorSystem NewSystem()
    {
        var stores = _store.OpenNodeStores();
        var config = ConfigurationFactory.ParseString("akka.loglevel = ERROR").WithFallback(stores.JournalConfig());
        var bootstrap = BootstrapSetup.Create().WithConfig(config);
        var setup = stores.JournalSetup() is { } journal ? bootstrap.And(journal) : ActorSystemSetup.Create(bootstrap);
        var system = ActorSystem.Create("journal-" + _systems.Count, setup);
        _systems.Add(system);
        return system;
    }

    [Test]
    public async Task Persist_ManySessionsConcurrently_NextSystemRecoversEachInOrder()
    {
        var first = NewSystem();
        var actors = Enumerable.Range(0, 20).Select(i => first.ActorOf(Props.Create(() => new Recorder($"s-{i}")))).ToArray();
        await Task.WhenAll(actors.SelectMany((a, i) => Enumerable.Range(0, 10).Select(n => a.Ask<Persisted>(new Append($"s{i}-e{n}"), TimeSpan.FromSeconds(30)))));
        await first.Terminate();

        var second = NewSystem();
        for (var i = 0; i < 20; i++)
        {
            var events = await second.ActorOf(Props.Create(() => new Recorder($"s-{i}"))).Ask<object[]>(Read.Instance, TimeSpan.FromSeconds(30));
            Assert.That(events, Is.EqualTo(Enumerable.Range(0, 10).Select(n => $"s{i}-e{n}")));
        }
    }

    [Test]
    public async Task Persist_TwoLiveIncarnationsOfOneSession_OnlyOneNextEventIsStored()
    {
        var a = NewSystem().ActorOf(Props.Create(() => new Recorder("dup")));
        var b = NewSystem().ActorOf(Props.Create(() => new Recorder("dup")));
        // both recovered the same (empty) history before either writes: both try sequence number 1
        await a.Ask<object[]>(Read.Instance, TimeSpan.FromSeconds(30));
        await b.Ask<object[]>(Read.Instance, TimeSpan.FromSeconds(30));
        var outcomes = await Task.WhenAll(a.Ask<object>(new Append("from-a"), TimeSpan.FromSeconds(30)),
            b.Ask<object>(new Append("from-b"), TimeSpan.FromSeconds(30)));
        Assert.That(outcomes.Count(o => o is Persisted), Is.EqualTo(1), string.Join(", ", outcomes));

        var events = await NewSystem().ActorOf(Props.Create(() => new Recorder("dup"))).Ask<object[]>(Read.Instance, TimeSpan.FromSeconds(30));
        Assert.That(events, Has.Length.EqualTo(1));
        Assert.That(events[0], Is.EqualTo(outcomes[0] is Persisted ? "from-a" : "from-b"));
    }

    [Test]
    public async Task InterruptedSessions_TaggedInThisJournal_FoundWhereQuorumWasReachedButNothingEnded()
    {
        var system = NewSystem();
        async Task Persist(string hex, params SessionEvent[] events)
        {
            var actor = system.ActorOf(Props.Create(() => new Recorder(hex, SessionActor.PersistencePrefix)));
            foreach (var e in events) Assert.That(await actor.Ask<object>(new Append(e), TimeSpan.FromSeconds(30)), Is.InstanceOf<Persisted>());
        }
        await Persist("aa01", new SessionEvent { Sequence = 1, QuorumReached = new() });
        await Persist("bb02", new SessionEvent { Sequence = 1, QuorumReached = new() }, new SessionEvent { Sequence = 2, Logged = new() });
        await Persist("cc03", new SessionEvent { Sequence = 1, Requested = new() });
        var found = _store.OpenNodeStores().InterruptedSessions(system.Settings.Config);
        Assert.That(found.Select(Convert.ToHexStringLower), Is.EqualTo(new[] { "aa01" }));
    }

    /// <summary>
    /// A batch (one PersistAll, as the session actor writes SigningInterrupted and Failed together) is all or nothing.
    /// The journal's insert of the batch's second event fails (a trigger raises an error there, as a crash, a full disk
    /// or a lost connection cuts a write): none of the batch is stored, the writer hears the failure, and the next
    /// system recovers exactly the events before the batch, then appends after them.
    /// </summary>
    [Test]
    public async Task PersistAll_WriteFailsAtTheSecondEvent_NoneOfTheBatchIsStored()
    {
        var system = NewSystem();
        var writer = system.ActorOf(Props.Create(() => new Recorder("batch")));
        Assert.That(await writer.Ask<object>(new Append("e1"), TimeSpan.FromSeconds(30)), Is.InstanceOf<Persisted>());
        FailJournalInsertsAt(system.Settings.Config, sequenceNr: 3);

        var outcome = await writer.Ask<object>(new AppendAll(["e2", "e3", "e4"]), TimeSpan.FromSeconds(30));
        Assert.That(outcome, Is.InstanceOf<Failed>(), "the writer hears that its batch failed");
        await system.Terminate();

        FailJournalInsertsAt(system.Settings.Config, sequenceNr: null);
        var next = NewSystem().ActorOf(Props.Create(() => new Recorder("batch")));
        Assert.That(await next.Ask<object[]>(Read.Instance, TimeSpan.FromSeconds(30)), Is.EqualTo(new[] { "e1" }), "nothing of the failed batch");
        Assert.That(await next.Ask<object>(new AppendAll(["e2", "e3"]), TimeSpan.FromSeconds(30)), Is.EqualTo(new Persisted(3)));
        var again = NewSystem().ActorOf(Props.Create(() => new Recorder("batch")));
        Assert.That(await again.Ask<object[]>(Read.Instance, TimeSpan.FromSeconds(30)), Is.EqualTo(new[] { "e1", "e2", "e3" }));
    }

    /// <summary>
    /// Makes the journal table refuse the insert of an event with this sequence number (a trigger raising an error), or
    /// removes that trigger (null). Table and column names come from the journal plugin's configuration.
    /// </summary>
    private void FailJournalInsertsAt(Akka.Configuration.Config akkaConfig, long? sequenceNr)
    {
        var journal = akkaConfig.GetConfig("akka.persistence.journal.sql.default.journal");
        var table = "\"" + journal.GetString("table-name") + "\"";
        var column = "\"" + journal.GetString("columns.sequence-number") + "\"";
        string[] sql = kind == StoreUnderTest.Postgres
            ? sequenceNr is { } n
                ? [$"CREATE FUNCTION contract_fail() RETURNS trigger AS $$ BEGIN IF NEW.{column} = {n} THEN RAISE EXCEPTION 'simulated failure mid-batch'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
                   $"CREATE TRIGGER contract_fail BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION contract_fail()"]
                : [$"DROP TRIGGER contract_fail ON {table}", "DROP FUNCTION contract_fail()"]
            : sequenceNr is { } m
                ? [$"CREATE TRIGGER contract_fail BEFORE INSERT ON {table} WHEN NEW.{column} = {m} BEGIN SELECT RAISE(ABORT, 'simulated failure mid-batch'); END"]
                : ["DROP TRIGGER contract_fail"];
        using System.Data.Common.DbConnection c = kind == StoreUnderTest.Postgres
            ? new Npgsql.NpgsqlConnection(_store.Options.ConnectionString)
            : new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + _store.Dir.Open().File(MpcSigning.Hosting.Akka.NodeAkkaConfig.JournalFileName));
        c.Open();
        foreach (var statement in sql)
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = statement;
            cmd.ExecuteNonQuery();
        }
    }

    private sealed record Append(object Event);

    private sealed record AppendAll(string[] Events);

    private sealed record Persisted(long SequenceNr);

    private sealed record Failed(string Reason);

    private sealed class Read
    {
        public static readonly Read Instance = new();
    }

    /// <summary>A persistent actor that appends strings and answers with what it holds.</summary>
    private sealed class Recorder : ReceivePersistentActor
    {
        private readonly List<object> _events = [];
        private IActorRef? _waiting;

        public override string PersistenceId { get; }

        public Recorder(string id) : this(id, "contract-") { }

        public Recorder(string id, string prefix)
        {
            PersistenceId = prefix + id;
            Recover<string>(_events.Add);
            Recover<SessionEvent>(_events.Add);
            Command<Append>(a =>
            {
                _waiting = Sender;
                Persist(a.Event, e =>
                {
                    _events.Add(e);
                    Sender.Tell(new Persisted(LastSequenceNr));
                });
            });
            Command<AppendAll>(a =>
            {
                _waiting = Sender;
                var left = a.Events.Length;
                PersistAll(a.Events, e =>
                {
                    _events.Add(e);
                    if (--left == 0) Sender.Tell(new Persisted(LastSequenceNr));
                });
            });
            Command<Read>(_ => Sender.Tell(_events.ToArray()));
        }

        protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
        {
            _waiting?.Tell(new Failed(cause.GetType().Name));
            base.OnPersistFailure(cause, @event, sequenceNr);
        }

        protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
        {
            _waiting?.Tell(new Failed(cause.GetType().Name));
            base.OnPersistRejected(cause, @event, sequenceNr);
        }
    }
}
