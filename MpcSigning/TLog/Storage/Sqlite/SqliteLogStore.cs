using Microsoft.Data.Sqlite;
using MpcSigning.Storage.Sqlite;

namespace MpcSigning.TLog.Storage.Sqlite;

/// <summary>
/// The log in the node's SQLite database (WAL, synchronous=FULL: a commit is fsynced before it returns).
/// Tables: tlog_entries (the leaves and their side data, keyed by log index only), tlog_tiles (C2SP tiles of
/// interior hashes), tlog_checkpoints (every signed checkpoint, by size), and the lookup tables
/// tlog_session_lookup and tlog_digest_lookup ((64-bit key, index) rows, see <see cref="LookupKey"/>) with their
/// watermark in tlog_lookup_state. One writer connection is kept open for batches, with its statements prepared
/// once (see <see cref="WriterStatements"/>).
/// <para>
/// Why the lookups are not indexes of tlog_entries: session ids and digests are random, so an index on them
/// dirties one random leaf page per append, and at a million entries those pages dominated every commit. Here an
/// append writes its entry row only (the end of one B-tree). The entries above the watermark are kept in memory
/// (<see cref="LookupTail"/>); once enough have gathered, their lookup rows are written sorted by key, a slice
/// riding along with each following batch, so one leaf page takes many rows at once; the batch carrying the last
/// slice moves the watermark. Reads consult the tail, then the tables. After a crash the tail is rebuilt from
/// tlog_entries above the watermark on open: lookup rows are derived data, never the only copy of anything.
/// </para>
/// </summary>
public sealed partial class SqliteLogStore : ILogStore
{
    private readonly SqliteDatabase _db;
    private readonly Lazy<SqliteConnection> _writer;
    private readonly LookupTail _tail = new();
    private readonly int _minFlush;
    private WriterStatements? _statements;

    /// <summary>The lookup rows being written, a slice per batch; null when none are due. Writer thread only.</summary>
    private LookupFlush? _flush;

    public SqliteLogStore(SqliteDatabase db) : this(db, DefaultMinFlush) { }

    /// <param name="minFlush">Fewest tail entries that start a lookup flush (tests use a few, to flush often).</param>
    internal SqliteLogStore(SqliteDatabase db, int minFlush)
    {
        _db = db ?? throw new ArgumentNullException(nameof(db));
        ArgumentOutOfRangeException.ThrowIfLessThan(minFlush, 1);
        _minFlush = minFlush;
        _writer = new Lazy<SqliteConnection>(() => OpenWriter(db), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    private const int DefaultMinFlush = 1024;

    /// <summary>Most tail entries that start a flush: bounds the tail (twice this) to about 200 MB of memory.</summary>
    private const int MaxFlush = 1 << 20;

    /// <summary>
    /// Tail entries that start a lookup flush at log size <paramref name="size"/>: an eighth of the log. A flush of
    /// n rows into a table of N dirties at most min(n, leaf pages of N) pages, so a flush in proportion to the log
    /// keeps the pages written per append about constant (0.1 per table) as the log grows.
    /// </summary>
    private int FlushThreshold(long size) => (int)Math.Clamp(size / 8, _minFlush, MaxFlush);

    /// <summary>The writer's connection: a larger page cache for the lookup tables' pages, and less frequent WAL checkpoints.</summary>
    private static SqliteConnection OpenWriter(SqliteDatabase db)
    {
        var c = db.Connect();
        try
        {
            // 64 MiB of page cache (default 2 MiB): the session lookup table is probed once per append and both
            // lookup tables take slices of rows, about 20 MB each at a million entries; their pages stay in memory
            // instead of being read back through the kernel.
            // Automatic checkpoint at 4000 WAL pages (default 1000): the writer checkpoints a quarter as often,
            // and a page rewritten by several batches in between is copied to the database file once.
            // Durability is unchanged (synchronous=FULL: every commit's WAL frames are fsynced before it returns).
            SqliteDatabase.Execute(c, "PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=4000;");
            return c;
        }
        catch
        {
            c.Dispose();
            throw;
        }
    }

    private static readonly string[] Schema =
    [
        """
        CREATE TABLE IF NOT EXISTS tlog_entries (
            idx INTEGER PRIMARY KEY,
            integrated_time INTEGER NOT NULL,
            session_id TEXT NOT NULL,
            artifact_digest TEXT NOT NULL,
            body BLOB NOT NULL,
            attachment BLOB NOT NULL)
        """,
        "CREATE TABLE IF NOT EXISTS tlog_session_lookup (key INTEGER NOT NULL, idx INTEGER NOT NULL, PRIMARY KEY (key, idx)) WITHOUT ROWID",
        "CREATE TABLE IF NOT EXISTS tlog_digest_lookup (key INTEGER NOT NULL, idx INTEGER NOT NULL, PRIMARY KEY (key, idx)) WITHOUT ROWID",
        "CREATE TABLE IF NOT EXISTS tlog_lookup_state (id INTEGER PRIMARY KEY CHECK (id = 0), indexed_below INTEGER NOT NULL)",
        """
        CREATE TABLE IF NOT EXISTS tlog_tiles (
            level INTEGER NOT NULL,
            idx INTEGER NOT NULL,
            hashes BLOB NOT NULL,
            PRIMARY KEY (level, idx)) WITHOUT ROWID
        """,
        "CREATE TABLE IF NOT EXISTS tlog_checkpoints (size INTEGER PRIMARY KEY, note TEXT NOT NULL)",
    ];

    /// <summary>
    /// Creates the tables if needed, moves a log of the earlier layout (session and digest indexes on tlog_entries)
    /// to this one, and brings the lookup tables up to date: entries above their watermark go to the in-memory tail,
    /// or straight into the tables when there are too many to hold.
    /// </summary>
    public void Initialize()
    {
        _db.Migrate(Schema);
        using var c = _db.Connect();
        if (HasEarlierLayout(c)) MoveFromEarlierLayout(c);
        var watermark = ReadWatermark(c);
        var size = MaxIndex(c) + 1;
        if (watermark > size)
            throw new TLogException(TLogErrorCode.CorruptStore,
                $"tlog_lookup_state says entries below {watermark} are indexed but tlog_entries ends at {size}; the tlog_* tables were changed outside mpcsign. Restore from backup.");
        if (size - watermark > 2L * FlushThreshold(size)) watermark = IndexBacklog(c, watermark, size);
        _tail.Reset(watermark);
        _tail.Add(ReadKeys(c, watermark, size));
    }

    /// <summary>The layout before the lookup tables: a UNIQUE session_id and an index by digest on tlog_entries.</summary>
    private static bool HasEarlierLayout(SqliteConnection c)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tlog_entries'";
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>Rebuilds tlog_entries without its random-key indexes (one transaction); the lookup tables start empty.</summary>
    private static void MoveFromEarlierLayout(SqliteConnection c)
    {
        using var tx = c.BeginTransaction();
        foreach (var sql in new[]
                 {
                     "DROP TABLE IF EXISTS tlog_entries_moved",
                     Schema[0].Replace("tlog_entries", "tlog_entries_moved", StringComparison.Ordinal),
                     $"INSERT INTO tlog_entries_moved ({EntryColumns}) SELECT {EntryColumns} FROM tlog_entries ORDER BY idx",
                     "DROP TABLE tlog_entries",
                     "ALTER TABLE tlog_entries_moved RENAME TO tlog_entries",
                     "DELETE FROM tlog_session_lookup",
                     "DELETE FROM tlog_digest_lookup",
                     "DELETE FROM tlog_lookup_state",
                 })
        {
            using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = sql;
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    private static long ReadWatermark(SqliteConnection c)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT indexed_below FROM tlog_lookup_state WHERE id = 0";
        return cmd.ExecuteScalar() is long w ? w : 0;
    }

    private static long MaxIndex(SqliteConnection c)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT MAX(idx) FROM tlog_entries";
        return cmd.ExecuteScalar() is long m ? m : -1;
    }

    /// <summary>Keys of the entries [<paramref name="from"/>, <paramref name="to"/>), in index order.</summary>
    private static List<(long Index, long SessionKey, long DigestKey)> ReadKeys(SqliteConnection c, long from, long to, SqliteTransaction? tx = null)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT idx, session_id, artifact_digest FROM tlog_entries WHERE idx >= $f AND idx < $t ORDER BY idx";
        cmd.Parameters.AddWithValue("$f", from);
        cmd.Parameters.AddWithValue("$t", to);
        using var r = cmd.ExecuteReader();
        var keys = new List<(long, long, long)>();
        for (var expected = from; r.Read(); expected++)
        {
            if (r.GetInt64(0) != expected)
                throw new TLogException(TLogErrorCode.CorruptStore, $"tlog_entries skips from index {expected - 1} to {r.GetInt64(0)}; restore the database from backup.");
            keys.Add((expected, LookupKey.Of(r.GetString(1)), LookupKey.Of(r.GetString(2))));
        }
        return keys;
    }

    /// <summary>
    /// Writes the lookup rows of [<paramref name="from"/>, <paramref name="to"/>) on open (after a move from the
    /// earlier layout), in slices of a fixed size, each sorted and committed with the watermark it reaches.
    /// </summary>
    private static long IndexBacklog(SqliteConnection c, long from, long to)
    {
        const int Slice = 1 << 18;
        using var st = new WriterStatements(c);
        for (var start = from; start < to; start += Slice)
        {
            var end = Math.Min(to, start + Slice);
            using var tx = c.BeginTransaction();
            st.Enlist(tx);
            var keys = ReadKeys(c, start, end, tx);
            var sessions = keys.Select(k => (k.SessionKey, k.Index)).ToArray();
            var digests = keys.Select(k => (k.DigestKey, k.Index)).ToArray();
            Array.Sort(sessions);
            Array.Sort(digests);
            st.InsertLookups(st.SessionLookup, sessions, 0, sessions.Length);
            st.InsertLookups(st.DigestLookup, digests, 0, digests.Length);
            st.SetWatermark(end);
            tx.Commit();
            st.Enlist(null);
        }
        return to;
    }

    public ILogBatch BeginBatch()
    {
        _statements ??= new WriterStatements(_writer.Value);
        return new SqliteLogBatch(this, _writer.Value, _statements);
    }

    public void Dispose()
    {
        _statements?.Dispose();
        if (_writer.IsValueCreated) _writer.Value.Dispose();
    }
}
