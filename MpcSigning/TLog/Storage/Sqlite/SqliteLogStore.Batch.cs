using Microsoft.Data.Sqlite;

namespace MpcSigning.TLog.Storage.Sqlite;

public sealed partial class SqliteLogStore
{
    /// <summary>
    /// The writer connection's statements, prepared once for the store's lifetime: re-preparing (or a lookup
    /// and an insert per entry) used to be a large part of a batch's cost on the single writer.
    /// </summary>
    private sealed class WriterStatements : IDisposable
    {
        public SqliteCommand Insert { get; }
        public SqliteCommand ByIndex { get; }
        public SqliteCommand BySession { get; }
        public SqliteCommand SessionLookup { get; }
        public SqliteCommand DigestLookup { get; }
        public SqliteCommand Watermark { get; }
        public SqliteCommand Tile { get; }
        public SqliteCommand Checkpoint { get; }

        public WriterStatements(SqliteConnection c)
        {
            // A plain insert: a clash on idx is an error (it would mean a sequencing bug).
            Insert = Prepare(c, $"INSERT INTO tlog_entries ({EntryColumns}) VALUES ($i, $t, $b, $d, $s, $a)",
                ("$i", SqliteType.Integer), ("$t", SqliteType.Integer), ("$b", SqliteType.Blob),
                ("$d", SqliteType.Text), ("$s", SqliteType.Text), ("$a", SqliteType.Blob));
            ByIndex = Prepare(c, $"SELECT {EntryColumns} FROM tlog_entries WHERE idx = $i", ("$i", SqliteType.Integer));
            BySession = Prepare(c,
                $"SELECT {JoinedEntryColumns} FROM tlog_session_lookup l JOIN tlog_entries e ON e.idx = l.idx WHERE l.key = $k AND e.session_id = $s LIMIT 1",
                ("$k", SqliteType.Integer), ("$s", SqliteType.Text));
            // OR IGNORE: after a crash in the middle of a flush, its first slices are written again on the next one;
            // and a statement's unused rows repeat its last row (see InsertLookups).
            SessionLookup = PrepareLookupInsert(c, "tlog_session_lookup");
            DigestLookup = PrepareLookupInsert(c, "tlog_digest_lookup");
            Watermark = Prepare(c, "INSERT OR REPLACE INTO tlog_lookup_state (id, indexed_below) VALUES (0, $w)", ("$w", SqliteType.Integer));
            Tile = Prepare(c, "INSERT OR REPLACE INTO tlog_tiles (level, idx, hashes) VALUES ($l, $i, $h)",
                ("$l", SqliteType.Integer), ("$i", SqliteType.Integer), ("$h", SqliteType.Blob));
            Checkpoint = Prepare(c, "INSERT OR REPLACE INTO tlog_checkpoints (size, note) VALUES ($s, $n)",
                ("$s", SqliteType.Integer), ("$n", SqliteType.Text));
        }

        private IEnumerable<SqliteCommand> All => [Insert, ByIndex, BySession, SessionLookup, DigestLookup, Watermark, Tile, Checkpoint];

        /// <summary>Lookup rows per insert statement: one statement costs about as much managed work as one row.</summary>
        private const int RowsPerInsert = 32;

        private static SqliteCommand PrepareLookupInsert(SqliteConnection c, string table) =>
            Prepare(c, $"INSERT OR IGNORE INTO {table} (key, idx) VALUES " + string.Join(", ", Enumerable.Range(0, RowsPerInsert).Select(r => $"($k{r}, $i{r})")),
                [.. Enumerable.Range(0, RowsPerInsert).SelectMany(r => new[] { ($"$k{r}", SqliteType.Integer), ($"$i{r}", SqliteType.Integer) })]);

        private static SqliteCommand Prepare(SqliteConnection c, string sql, params (string Name, SqliteType Type)[] parameters)
        {
            var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            foreach (var (name, type) in parameters) cmd.Parameters.Add(name, type);
            cmd.Prepare();
            return cmd;
        }

        public void Enlist(SqliteTransaction? tx)
        {
            foreach (var cmd in All) cmd.Transaction = tx;
        }

        public static LogEntry? ReadOne(SqliteCommand query)
        {
            using var r = query.ExecuteReader();
            return r.Read() ? Read(r) : null;
        }

        /// <summary>Inserts rows [from, to) of a lookup table, <see cref="RowsPerInsert"/> a statement; a last, short
        /// statement fills its unused rows with copies of its last row, which OR IGNORE drops.</summary>
        public void InsertLookups(SqliteCommand insert, (long Key, long Index)[] rows, int from, int to)
        {
            var p = insert.Parameters;
            for (var start = from; start < to; start += RowsPerInsert)
            {
                for (var r = 0; r < RowsPerInsert; r++)
                {
                    var (key, index) = rows[Math.Min(start + r, to - 1)];
                    p[2 * r].Value = key;
                    p[2 * r + 1].Value = index;
                }
                insert.ExecuteNonQuery();
            }
        }

        public void SetWatermark(long indexedBelow)
        {
            Watermark.Parameters[0].Value = indexedBelow;
            Watermark.ExecuteNonQuery();
        }

        public void Dispose()
        {
            foreach (var cmd in All) cmd.Dispose();
        }
    }

    /// <summary>
    /// Lookup rows of the tail entries below <see cref="Below"/>, sorted by key, and how many of them (the same
    /// number in both tables) are committed. Writer thread only.
    /// </summary>
    private sealed class LookupFlush((long Key, long Index)[] sessions, (long Key, long Index)[] digests, long below)
    {
        public (long Key, long Index)[] Sessions { get; } = sessions;
        public (long Key, long Index)[] Digests { get; } = digests;
        public long Below { get; } = below;
        public int Written { get; set; }
    }

    /// <summary>The flush due now, if any: the one under way, or a new one once the tail holds enough entries.</summary>
    private LookupFlush? FlushDue()
    {
        if (_flush is not null) return _flush;
        var end = _tail.End;
        if (_tail.Count < FlushThreshold(end)) return null;
        var (sessions, digests) = _tail.SortedRows(end);
        return _flush = new LookupFlush(sessions, digests, end);
    }

    /// <summary>One transaction on the writer connection; rolled back on dispose unless committed.</summary>
    private sealed class SqliteLogBatch : ILogBatch
    {
        private readonly SqliteLogStore _store;
        private readonly SqliteTransaction _tx;
        private readonly WriterStatements _st;
        private readonly Dictionary<string, long> _stagedSessions = new(StringComparer.Ordinal);
        private readonly List<(long Index, long SessionKey, long DigestKey)> _staged = [];

        public SqliteLogBatch(SqliteLogStore store, SqliteConnection c, WriterStatements statements)
        {
            _store = store;
            _tx = c.BeginTransaction();
            _st = statements;
            _st.Enlist(_tx);
        }

        public LogEntry? AddUnlessLogged(SequencedEntry e)
        {
            var session = e.Entry.SessionId;
            var sessionKey = LookupKey.Of(session);
            var logged = Logged(session, sessionKey);
            if (logged is not null) return logged;
            var p = _st.Insert.Parameters;
            p[0].Value = e.Index;
            p[1].Value = e.IntegratedTime;
            p[2].Value = e.Entry.CanonicalBody;
            p[3].Value = e.Entry.ArtifactDigestHex;
            p[4].Value = session;
            p[5].Value = e.Entry.Attachment;
            _st.Insert.ExecuteNonQuery();
            _stagedSessions.Add(session, e.Index);
            _staged.Add((e.Index, sessionKey, LookupKey.Of(e.Entry.ArtifactDigestHex)));
            return null;
        }

        /// <summary>
        /// The entry already holding this session: staged earlier in this batch, committed in the tail, or in the
        /// lookup table. Reads go through this transaction, which sees both committed and staged rows.
        /// </summary>
        private LogEntry? Logged(string session, long sessionKey)
        {
            if (_stagedSessions.TryGetValue(session, out var staged)) return AtIndex(staged, session);
            foreach (var candidate in _store._tail.BySession(sessionKey))
                if (AtIndex(candidate, session) is { } inTail) return inTail;
            _st.BySession.Parameters[0].Value = sessionKey;
            _st.BySession.Parameters[1].Value = session;
            return WriterStatements.ReadOne(_st.BySession);
        }

        private LogEntry? AtIndex(long index, string session)
        {
            _st.ByIndex.Parameters[0].Value = index;
            var entry = WriterStatements.ReadOne(_st.ByIndex)
                ?? throw new TLogException(TLogErrorCode.CorruptStore,
                    $"the lookup of session {session} points at index {index}, which tlog_entries does not hold; restore the database from backup.");
            return entry.SessionId == session ? entry : null;
        }

        public void Commit(IReadOnlyList<TileWrite> tiles, long newSize, string checkpoint)
        {
            // Lookup rows ride along: a slice of the flush under way, a little more than this batch adds, so the
            // flush ends before the next one is due and the tail stays below twice the flush threshold.
            var flush = _store.FlushDue();
            var written = 0;
            if (flush is not null)
            {
                written = Math.Min(flush.Sessions.Length, flush.Written + _staged.Count + 16);
                _st.InsertLookups(_st.SessionLookup, flush.Sessions, flush.Written, written);
                _st.InsertLookups(_st.DigestLookup, flush.Digests, flush.Written, written);
                if (written == flush.Sessions.Length) _st.SetWatermark(flush.Below);
            }
            var tp = _st.Tile.Parameters;
            foreach (var t in tiles)
            {
                tp[0].Value = t.TileLevel;
                tp[1].Value = t.TileIndex;
                tp[2].Value = t.Hashes;
                _st.Tile.ExecuteNonQuery();
            }
            _st.Checkpoint.Parameters[0].Value = newSize;
            _st.Checkpoint.Parameters[1].Value = checkpoint;
            _st.Checkpoint.ExecuteNonQuery();
            _tx.Commit();
            // Durable: readers may now find this batch's entries (in the tail), and the flushed ones in the tables.
            _store._tail.Add(_staged);
            if (flush is null) return;
            flush.Written = written;
            if (written < flush.Sessions.Length) return;
            _store._tail.DropBelow(flush.Below);
            _store._flush = null;
        }

        public void Dispose()
        {
            _st.Enlist(null);
            _tx.Dispose();
        }
    }
}
