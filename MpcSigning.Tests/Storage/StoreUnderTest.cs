using MpcSigning.Storage;
using MpcSigning.Storage.Postgres;
using MpcSigning.Storage.Sqlite;
using MpcSigning.Tests.Support;
using MpcSigning.Tests.TLog;
using MpcSigning.TLog;
using MpcSigning.TLog.Checkpoints;
using MpcSigning.TLog.Sequencer;
using MpcSigning.TLog.Storage;
using MpcSigning.TLog.Storage.Postgres;
using MpcSigning.TLog.Storage.Sqlite;

namespace MpcSigning.Tests.Storage;

/// <summary>
/// One test's store of one kind: a fresh data directory (SQLite files) or a fresh PostgreSQL database
/// (<see cref="TestPostgres"/>), opened through the node's own factory (<see cref="NodeStores"/>) where it can be.
/// </summary>
public sealed class StoreUnderTest : IDisposable
{
    public const string Sqlite = "sqlite", Postgres = "postgresql";

    /// <summary>Both kinds, for [TestFixtureSource].</summary>
    public static readonly string[] Kinds = [Sqlite, Postgres];

    private readonly TestDatabase? _database;
    private readonly List<IDisposable> _opened = [];

    public string Kind { get; }
    public TempDataDir Dir { get; } = new();
    public StorageOptions Options { get; }

    public StoreUnderTest(string kind)
    {
        Kind = kind;
        if (kind == Postgres)
        {
            _database = TestPostgres.CreateDatabase();
            Options = new StorageOptions(StorageProvider.PostgreSql, _database.ConnectionString);
        }
        else
        {
            Options = StorageOptions.Sqlite;
        }
    }

    /// <summary>The node's stores, as a node with every role opens them (disposed with this).</summary>
    public NodeStores OpenNodeStores() => Keep(NodeStores.Open(Options, Dir.Open(), database: true, journal: true));

    /// <summary>A new, initialised log store on its own connection(s): what a restarted (or second) writer opens.</summary>
    public ILogStore OpenLogStore()
    {
        ILogStore store = Kind == Postgres
            ? new PostgresLogStore(Keep(PostgresDatabase.Open(Options.ConnectionString!)))
            : new SqliteLogStore(SqliteDatabase.Open(Dir.Open().File("mpcsign.db")));
        store.Initialize();
        return store;
    }

    /// <summary>The log over a new store, with a fixed key (so that a reopened log verifies the checkpoints of an earlier one).</summary>
    public TransparencyLog OpenLog() => new FixedKeyLog(Kind == Postgres
        ? new PostgresLogStore(Keep(PostgresDatabase.Open(Options.ConnectionString!)))
        : new SqliteLogStore(SqliteDatabase.Open(Dir.Open().File("mpcsign.db"))));

    private sealed class FixedKeyLog(ILogStore store) : TransparencyLog(store, LogKey.FromSeed(new byte[32]), new TLogOptions(), null);

    private T Keep<T>(T d) where T : IDisposable
    {
        lock (_opened) _opened.Add(d);
        return d;
    }

    public void Dispose()
    {
        foreach (var d in _opened) d.Dispose();
        Npgsql.NpgsqlConnection.ClearAllPools();
        _database?.Dispose();
        Dir.Dispose();
    }
}
