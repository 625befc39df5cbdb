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
        public SqliteCommand BySession { get; }
        public SqliteCommand Tile { get; }
        public SqliteCommand Checkpoint { get; }

        public WriterStatements(SqliteConnection c)
        {
            // ON CONFLICT names only session_id: a clash on idx is still an error (it would mean a sequencing bug).
            Insert = Prepare(c, $"INSERT INTO tlog_entries ({EntryColumns}) VALUES ($i, $t, $b, $d, $s, $a) ON CONFLICT(session_id) DO NOTHING",
                ("$i", SqliteType.Integer), ("$t", SqliteType.Integer), ("$b", SqliteType.Blob),
                ("$d", SqliteType.Text), ("$s", SqliteType.Text), ("$a", SqliteType.Blob));
            BySession = Prepare(c, $"SELECT {EntryColumns} FROM tlog_entries WHERE session_id = $s", ("$s", SqliteType.Text));
            Tile = Prepare(c, "INSERT OR REPLACE INTO tlog_tiles (level, idx, hashes) VALUES ($l, $i, $h)",
                ("$l", SqliteType.Integer), ("$i", SqliteType.Integer), ("$h", SqliteType.Blob));
            Checkpoint = Prepare(c, "INSERT OR REPLACE INTO tlog_checkpoints (size, note) VALUES ($s, $n)",
                ("$s", SqliteType.Integer), ("$n", SqliteType.Text));
        }

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
            Insert.Transaction = tx;
            BySession.Transaction = tx;
            Tile.Transaction = tx;
            Checkpoint.Transaction = tx;
        }

        public void Dispose()
        {
            Insert.Dispose();
            BySession.Dispose();
            Tile.Dispose();
            Checkpoint.Dispose();
        }
    }

    /// <summary>One transaction on the writer connection; rolled back on dispose unless committed.</summary>
    private sealed class SqliteLogBatch : ILogBatch
    {
        private readonly SqliteTransaction _tx;
        private readonly WriterStatements _st;

        public SqliteLogBatch(SqliteConnection c, WriterStatements statements)
        {
            _tx = c.BeginTransaction();
            _st = statements;
            _st.Enlist(_tx);
        }

        public LogEntry? AddUnlessLogged(SequencedEntry e)
        {
            var p = _st.Insert.Parameters;
            p[0].Value = e.Index;
            p[1].Value = e.IntegratedTime;
            p[2].Value = e.Entry.CanonicalBody;
            p[3].Value = e.Entry.ArtifactDigestHex;
            p[4].Value = e.Entry.SessionId;
            p[5].Value = e.Entry.Attachment;
            if (_st.Insert.ExecuteNonQuery() == 1) return null;
            // The session is taken: this transaction sees both committed rows and rows staged earlier in it.
            _st.BySession.Parameters[0].Value = e.Entry.SessionId;
            using var r = _st.BySession.ExecuteReader();
            return r.Read() ? Read(r)
                : throw new TLogException(TLogErrorCode.CorruptStore,
                    $"inserting session {e.Entry.SessionId} at index {e.Index} was refused but no entry holds that session; check the tlog_entries constraints.");
        }

        public void Commit(IReadOnlyList<TileWrite> tiles, long newSize, string checkpoint)
        {
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
        }

        public void Dispose()
        {
            _st.Enlist(null);
            _tx.Dispose();
        }
    }
}
