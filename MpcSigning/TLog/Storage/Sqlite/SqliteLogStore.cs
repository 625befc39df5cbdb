using Microsoft.Data.Sqlite;
using MpcSigning.Storage.Sqlite;

namespace MpcSigning.TLog.Storage.Sqlite;

/// <summary>
/// The log in the node's SQLite database (WAL, synchronous=FULL: a commit is fsynced before it returns).
/// Tables: tlog_entries (the leaves and their side data), tlog_tiles (C2SP tiles of interior hashes),
/// tlog_checkpoints (every signed checkpoint, by size). One writer connection is kept open for batches.
/// </summary>
public sealed partial class SqliteLogStore : ILogStore
{
    private readonly SqliteDatabase _db;
    private readonly Lazy<SqliteConnection> _writer;

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

    public void CommitBatch(IReadOnlyList<SequencedEntry> entries, IReadOnlyList<TileWrite> tiles, long newSize, string checkpoint)
    {
        var c = _writer.Value;
        using var tx = c.BeginTransaction();
        using (var ins = c.CreateCommand())
        {
            ins.Transaction = tx;
            ins.CommandText = "INSERT INTO tlog_entries (idx, integrated_time, body, artifact_digest, session_id, attachment) VALUES ($i, $t, $b, $d, $s, $a)";
            var pi = ins.Parameters.Add("$i", SqliteType.Integer);
            var pt = ins.Parameters.Add("$t", SqliteType.Integer);
            var pb = ins.Parameters.Add("$b", SqliteType.Blob);
            var pd = ins.Parameters.Add("$d", SqliteType.Text);
            var ps = ins.Parameters.Add("$s", SqliteType.Text);
            var pa = ins.Parameters.Add("$a", SqliteType.Blob);
            ins.Prepare();
            foreach (var e in entries)
            {
                pi.Value = e.Index; pt.Value = e.IntegratedTime; pb.Value = e.Entry.CanonicalBody;
                pd.Value = e.Entry.ArtifactDigestHex; ps.Value = e.Entry.SessionId; pa.Value = e.Entry.Attachment;
                ins.ExecuteNonQuery();
            }
        }
        using (var tile = c.CreateCommand())
        {
            tile.Transaction = tx;
            tile.CommandText = "INSERT OR REPLACE INTO tlog_tiles (level, idx, hashes) VALUES ($l, $i, $h)";
            var pl = tile.Parameters.Add("$l", SqliteType.Integer);
            var pi = tile.Parameters.Add("$i", SqliteType.Integer);
            var ph = tile.Parameters.Add("$h", SqliteType.Blob);
            foreach (var t in tiles)
            {
                pl.Value = t.TileLevel; pi.Value = t.TileIndex; ph.Value = t.Hashes;
                tile.ExecuteNonQuery();
            }
        }
        using (var cp = c.CreateCommand())
        {
            cp.Transaction = tx;
            cp.CommandText = "INSERT OR REPLACE INTO tlog_checkpoints (size, note) VALUES ($s, $n)";
            cp.Parameters.AddWithValue("$s", newSize);
            cp.Parameters.AddWithValue("$n", checkpoint);
            cp.ExecuteNonQuery();
        }
        tx.Commit();
    }

    public void Dispose()
    {
        _sessionLookup?.Dispose();
        if (_writer.IsValueCreated) _writer.Value.Dispose();
    }
}
