using Microsoft.Data.Sqlite;

namespace MpcSigning.TLog.Storage.Sqlite;

public sealed partial class SqliteLogStore
{
    private const string EntryColumns = "idx, integrated_time, body, artifact_digest, session_id, attachment";
    private const string JoinedEntryColumns = "e.idx, e.integrated_time, e.body, e.artifact_digest, e.session_id, e.attachment";

    public (long Size, string Checkpoint)? LatestCheckpoint()
    {
        using var c = _db.Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT size, note FROM tlog_checkpoints ORDER BY size DESC LIMIT 1";
        using var r = cmd.ExecuteReader();
        return r.Read() ? (r.GetInt64(0), r.GetString(1)) : null;
    }

    public IEnumerable<byte[]> ReadTiles(int tileLevel)
    {
        using var c = _db.Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT idx, hashes FROM tlog_tiles WHERE level = $l ORDER BY idx";
        cmd.Parameters.AddWithValue("$l", tileLevel);
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
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM tlog_entries";
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public LogEntry? Get(long index)
    {
        using var c = _db.Connect();
        return Query(c, $"SELECT {EntryColumns} FROM tlog_entries WHERE idx = $i", ("$i", index)).FirstOrDefault();
    }

    /// <summary>
    /// Entries of the tail first (taken before the tables are read: an entry leaves the tail only after its lookup
    /// rows are committed, so whatever this misses there the tables hold), then the lookup table; each candidate's
    /// stored digest is compared, since two digests may share a key.
    /// </summary>
    public IReadOnlyList<LogEntry> FindByArtifactDigest(string artifactDigestHex)
    {
        var digest = artifactDigestHex.ToLowerInvariant();
        var key = LookupKey.Of(digest);
        var inTail = _tail.ByDigest(key);
        using var c = _db.Connect();
        var found = Query(c,
            $"SELECT {JoinedEntryColumns} FROM tlog_digest_lookup l JOIN tlog_entries e ON e.idx = l.idx WHERE l.key = $k AND e.artifact_digest = $d",
            ("$k", key), ("$d", digest));
        var seen = found.Select(f => f.LogIndex).ToHashSet();
        foreach (var index in inTail)
            if (!seen.Contains(index))
                found.AddRange(Query(c, $"SELECT {EntryColumns} FROM tlog_entries WHERE idx = $i AND artifact_digest = $d", ("$i", index), ("$d", digest)));
        found.Sort((a, b) => a.LogIndex.CompareTo(b.LogIndex));
        return found;
    }

    internal static LogEntry Read(SqliteDataReader r) =>
        new(r.GetInt64(0), r.GetInt64(1), (byte[])r.GetValue(2), r.GetString(3), r.GetString(4), (byte[])r.GetValue(5));

    private static List<LogEntry> Query(SqliteConnection c, string sql, params (string Name, object Value)[] parameters)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        using var r = cmd.ExecuteReader();
        var list = new List<LogEntry>();
        while (r.Read()) list.Add(Read(r));
        return list;
    }
}
