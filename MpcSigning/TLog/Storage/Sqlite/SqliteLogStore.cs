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
        _writer = new Lazy<SqliteConnection>(db.Connect, LazyThreadSafetyMode.ExecutionAndPublication);
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
