using Microsoft.Data.Sqlite;
using MpcSigning.Storage.Sqlite;

namespace MpcSigning.TLog.Storage.Sqlite;

/// <summary>
/// The log in the node's SQLite database (WAL, synchronous=FULL: a commit is fsynced before it returns).
/// Tables: tlog_entries (the leaves and their side data), tlog_tiles (C2SP tiles of interior hashes),
/// tlog_checkpoints (every signed checkpoint, by size). One writer connection is kept open for batches, with its
/// statements prepared once (see <see cref="WriterStatements"/>).
/// </summary>
public sealed partial class SqliteLogStore : ILogStore
{
    private readonly SqliteDatabase _db;
    private readonly Lazy<SqliteConnection> _writer;
    private WriterStatements? _statements;

    public SqliteLogStore(SqliteDatabase db)
    {
        _db = db ?? throw new ArgumentNullException(nameof(db));
        _writer = new Lazy<SqliteConnection>(() => OpenWriter(db), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>
    /// The writer's connection, tuned for scattered index pages (session ids and artifact digests are random,
    /// so each append dirties about one leaf page of each index). Both settings are this connection's only;
    /// durability is unchanged (synchronous=FULL: every commit's WAL frames are fsynced before it returns).
    /// </summary>
    private static SqliteConnection OpenWriter(SqliteDatabase db)
    {
        var c = db.Connect();
        try
        {
            // 32 MiB of page cache (default 2 MiB): index pages stay in memory instead of being read back
            // through the kernel for every insert once the indexes outgrow the default.
            // Automatic checkpoint at 4000 WAL pages (default 1000): the writer checkpoints a quarter as often,
            // and an index page rewritten by several batches in between is copied to the database file once.
            SqliteDatabase.Execute(c, "PRAGMA cache_size=-32768; PRAGMA wal_autocheckpoint=4000;");
            return c;
        }
        catch
        {
            c.Dispose();
            throw;
        }
    }

    public void Initialize() => _db.Migrate(
        """
        CREATE TABLE IF NOT EXISTS tlog_entries (
            idx INTEGER PRIMARY KEY,
            integrated_time INTEGER NOT NULL,
            body BLOB NOT NULL,
            artifact_digest TEXT NOT NULL,
            session_id TEXT NOT NULL UNIQUE,
            attachment BLOB NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS tlog_entries_by_digest ON tlog_entries(artifact_digest, idx)",
        """
        CREATE TABLE IF NOT EXISTS tlog_tiles (
            level INTEGER NOT NULL,
            idx INTEGER NOT NULL,
            hashes BLOB NOT NULL,
            PRIMARY KEY (level, idx)) WITHOUT ROWID
        """,
        "CREATE TABLE IF NOT EXISTS tlog_checkpoints (size INTEGER PRIMARY KEY, note TEXT NOT NULL)");

    public ILogBatch BeginBatch()
    {
        _statements ??= new WriterStatements(_writer.Value);
        return new SqliteLogBatch(_writer.Value, _statements);
    }

    public void Dispose()
    {
        _statements?.Dispose();
        if (_writer.IsValueCreated) _writer.Value.Dispose();
    }
}
