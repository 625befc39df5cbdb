using MpcSigning.Storage.Postgres;
using Npgsql;
using NpgsqlTypes;

namespace MpcSigning.TLog.Storage.Postgres;

/// <summary>
/// The log in a shared PostgreSQL database, the same tables as on SQLite (tlog_entries, tlog_tiles, tlog_checkpoints)
/// plus tlog_writer, the writer's fence. Lookups by session and digest are plain indexes of tlog_entries (the session
/// one UNIQUE, so even a sequencing bug cannot log a session twice): PostgreSQL's B-tree pages live in its shared
/// buffers and its WAL records rows, not pages, so the random-key index cost that made the SQLite store keep its own
/// lookup tables does not arise.
/// <para>
/// Fencing: the log has exactly one writer, also across a network partition. Opening the store takes the writer's
/// epoch: tlog_writer's counter is incremented and the new value kept (a fencing token). Every batch first locks that
/// row (SELECT ... FOR UPDATE, held until the batch commits or rolls back) and goes on only if the epoch is still its
/// own. A writer that another node replaced (the singleton moved while this one was cut off) therefore cannot commit
/// anything: its batch fails with <see cref="TLogErrorCode.StorageFailure"/> ("fenced"). A takeover waits for a batch
/// already holding the row, then reads the tree including it.
/// </para>
/// </summary>
public sealed class PostgresLogStore : ILogStore
{
    private const string EntryColumns = "idx, integrated_time, body, artifact_digest, session_id, attachment";

    private readonly PostgresDatabase _db;
    private NpgsqlConnection? _writer;
    private long _epoch;

    public PostgresLogStore(PostgresDatabase db) => _db = db ?? throw new ArgumentNullException(nameof(db));

    /// <summary>This writer's fencing token (0 before <see cref="Initialize"/>).</summary>
    public long Epoch => _epoch;

    private static readonly string[] Schema =
    [
        """
        CREATE TABLE IF NOT EXISTS tlog_entries (
            idx BIGINT PRIMARY KEY CHECK (idx >= 0),
            integrated_time BIGINT NOT NULL,
            session_id TEXT NOT NULL,
            artifact_digest TEXT NOT NULL,
            body BYTEA NOT NULL,
            attachment BYTEA NOT NULL)
        """,
        "CREATE UNIQUE INDEX IF NOT EXISTS tlog_entries_session ON tlog_entries (session_id)",
        "CREATE INDEX IF NOT EXISTS tlog_entries_digest ON tlog_entries (artifact_digest)",
        """
        CREATE TABLE IF NOT EXISTS tlog_tiles (
            level INTEGER NOT NULL,
            idx BIGINT NOT NULL,
            hashes BYTEA NOT NULL,
            PRIMARY KEY (level, idx))
        """,
        "CREATE TABLE IF NOT EXISTS tlog_checkpoints (size BIGINT PRIMARY KEY, note TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS tlog_writer (id INTEGER PRIMARY KEY CHECK (id = 0), epoch BIGINT NOT NULL)",
    ];

    /// <summary>Creates the tables if needed and takes the writer's epoch (fencing out any earlier writer).</summary>
    public void Initialize()
    {
        _db.Migrate(Schema);
        using var c = _db.Connect();
        using var cmd = new NpgsqlCommand(
            "INSERT INTO tlog_writer (id, epoch) VALUES (0, 1) ON CONFLICT (id) DO UPDATE SET epoch = tlog_writer.epoch + 1 RETURNING epoch", c);
        _epoch = (long)cmd.ExecuteScalar()!;
    }

    public ILogBatch BeginBatch()
    {
        if (_epoch == 0) throw new InvalidOperationException("Initialize the store before writing");
        if (_writer is not { State: System.Data.ConnectionState.Open })
        {
            _writer?.Dispose();
            _writer = _db.Connect();
        }
        return new Batch(this, _writer);
    }

    public (long Size, string Checkpoint)? LatestCheckpoint()
    {
        using var c = _db.Connect();
        using var cmd = new NpgsqlCommand("SELECT size, note FROM tlog_checkpoints ORDER BY size DESC LIMIT 1", c);
        using var r = cmd.ExecuteReader();
        return r.Read() ? (r.GetInt64(0), r.GetString(1)) : null;
    }

    public IEnumerable<byte[]> ReadTiles(int tileLevel)
    {
        using var c = _db.Connect();
        using var cmd = new NpgsqlCommand("SELECT idx, hashes FROM tlog_tiles WHERE level = @l ORDER BY idx", c);
        cmd.Parameters.AddWithValue("l", tileLevel);
        using var r = cmd.ExecuteReader();
        for (long expected = 0; r.Read(); expected++)
        {
            if (r.GetInt64(0) != expected)
                throw new TLogException(TLogErrorCode.CorruptStore, $"tlog_tiles level {tileLevel} skips from tile {expected - 1} to {r.GetInt64(0)}; restore the database from backup.");
            yield return (byte[])r.GetValue(1);
        }
    }

    public long CountEntries()
    {
        using var c = _db.Connect();
        using var cmd = new NpgsqlCommand("SELECT COUNT(*) FROM tlog_entries", c);
        return (long)cmd.ExecuteScalar()!;
    }

    public LogEntry? Get(long index)
    {
        using var c = _db.Connect();
        return Query(c, null, $"SELECT {EntryColumns} FROM tlog_entries WHERE idx = @v", index).FirstOrDefault();
    }

    public IReadOnlyList<LogEntry> FindByArtifactDigest(string artifactDigestHex)
    {
        using var c = _db.Connect();
        return Query(c, null, $"SELECT {EntryColumns} FROM tlog_entries WHERE artifact_digest = @v ORDER BY idx", artifactDigestHex.ToLowerInvariant());
    }

    private static List<LogEntry> Query(NpgsqlConnection c, NpgsqlTransaction? tx, string sql, object value)
    {
        using var cmd = new NpgsqlCommand(sql, c, tx);
        cmd.Parameters.AddWithValue("v", value);
        using var r = cmd.ExecuteReader();
        var list = new List<LogEntry>();
        while (r.Read())
            list.Add(new LogEntry(r.GetInt64(0), r.GetInt64(1), (byte[])r.GetValue(2), r.GetString(3), r.GetString(4), (byte[])r.GetValue(5)));
        return list;
    }

    public void Dispose() => _writer?.Dispose();

    /// <summary>
    /// One transaction on the writer connection, fenced by the epoch row it locks first. The batch's sessions are
    /// looked up with one query (<see cref="Prepare"/>) and its new entries written with one INSERT at commit, so a
    /// batch of any size is a handful of round trips: the epoch lock, the lookup, the entries, the tiles, the
    /// checkpoint and the commit. The session index stays UNIQUE, so a session can still never be logged twice.
    /// </summary>
    private sealed class Batch : ILogBatch
    {
        private readonly NpgsqlConnection _c;
        private readonly NpgsqlTransaction _tx;
        private readonly Dictionary<string, LogEntry> _logged = new(StringComparer.Ordinal);
        private readonly HashSet<string> _prepared = new(StringComparer.Ordinal);
        private readonly Dictionary<string, LogEntry> _staged = new(StringComparer.Ordinal);
        private bool _done;

        public Batch(PostgresLogStore store, NpgsqlConnection c)
        {
            _c = c;
            _tx = c.BeginTransaction();
            try
            {
                using var cmd = new NpgsqlCommand("SELECT epoch FROM tlog_writer WHERE id = 0 FOR UPDATE", c, _tx);
                var current = cmd.ExecuteScalar() as long?;
                if (current != store._epoch)
                    throw new TLogException(TLogErrorCode.StorageFailure,
                        $"this log writer was fenced: it holds epoch {store._epoch} but the log's writer is now epoch {current?.ToString() ?? "none"} " +
                        "(another node took the log over); nothing was written. Restart this node so it rejoins as a follower.");
            }
            catch
            {
                _tx.Dispose();
                throw;
            }
        }

        public void Prepare(IReadOnlyList<string> sessionIds)
        {
            var wanted = sessionIds.Where(s => !_prepared.Contains(s)).Distinct(StringComparer.Ordinal).ToArray();
            if (wanted.Length == 0) return;
            foreach (var e in Query(_c, _tx, $"SELECT {EntryColumns} FROM tlog_entries WHERE session_id = ANY(@v)", wanted))
                _logged[e.SessionId] = e;
            _prepared.UnionWith(wanted);
        }

        public LogEntry? AddUnlessLogged(SequencedEntry e)
        {
            var session = e.Entry.SessionId;
            if (_staged.TryGetValue(session, out var staged)) return staged;
            if (!_prepared.Contains(session)) Prepare([session]);
            if (_logged.TryGetValue(session, out var logged)) return logged;
            _staged.Add(session, new LogEntry(e.Index, e.IntegratedTime, e.Entry.CanonicalBody, e.Entry.ArtifactDigestHex, session, e.Entry.Attachment));
            return null;
        }

        /// <summary>The staged entries as one INSERT of parallel arrays (unnest keeps them row by row, in order).</summary>
        private void InsertStaged()
        {
            if (_staged.Count == 0) return;
            var rows = _staged.Values.ToArray();
            using var cmd = new NpgsqlCommand(
                $"INSERT INTO tlog_entries ({EntryColumns}) SELECT * FROM unnest(@i, @t, @b, @d, @s, @a)", _c, _tx);
            cmd.Parameters.AddWithValue("i", NpgsqlDbType.Array | NpgsqlDbType.Bigint, rows.Select(r => r.LogIndex).ToArray());
            cmd.Parameters.AddWithValue("t", NpgsqlDbType.Array | NpgsqlDbType.Bigint, rows.Select(r => r.IntegratedTime).ToArray());
            cmd.Parameters.AddWithValue("b", NpgsqlDbType.Array | NpgsqlDbType.Bytea, rows.Select(r => r.CanonicalBody).ToArray());
            cmd.Parameters.AddWithValue("d", NpgsqlDbType.Array | NpgsqlDbType.Text, rows.Select(r => r.ArtifactDigestHex).ToArray());
            cmd.Parameters.AddWithValue("s", NpgsqlDbType.Array | NpgsqlDbType.Text, rows.Select(r => r.SessionId).ToArray());
            cmd.Parameters.AddWithValue("a", NpgsqlDbType.Array | NpgsqlDbType.Bytea, rows.Select(r => r.Attachment).ToArray());
            cmd.ExecuteNonQuery();
        }

        public void Commit(IReadOnlyList<TileWrite> tiles, long newSize, string checkpoint)
        {
            InsertStaged();
            if (tiles.Count > 0)
            {
                using var batch = new NpgsqlBatch(_c, _tx);
                foreach (var t in tiles)
                {
                    var cmd = new NpgsqlBatchCommand(
                        "INSERT INTO tlog_tiles (level, idx, hashes) VALUES (@l, @i, @h) ON CONFLICT (level, idx) DO UPDATE SET hashes = EXCLUDED.hashes");
                    cmd.Parameters.AddWithValue("l", t.TileLevel);
                    cmd.Parameters.AddWithValue("i", t.TileIndex);
                    cmd.Parameters.AddWithValue("h", NpgsqlDbType.Bytea, t.Hashes);
                    batch.BatchCommands.Add(cmd);
                }
                batch.ExecuteNonQuery();
            }
            PostgresDatabase.Execute(_c, _tx,
                "INSERT INTO tlog_checkpoints (size, note) VALUES (@s, @n) ON CONFLICT (size) DO UPDATE SET note = EXCLUDED.note",
                ("s", newSize), ("n", checkpoint));
            _tx.Commit();
            _done = true;
        }

        public void Dispose()
        {
            if (!_done)
            {
                try { _tx.Rollback(); } catch (Exception e) when (e is NpgsqlException or InvalidOperationException) { }
            }
            _tx.Dispose();
        }
    }
}
