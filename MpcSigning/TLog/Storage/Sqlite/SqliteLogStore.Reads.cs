using Microsoft.Data.Sqlite;

namespace MpcSigning.TLog.Storage.Sqlite;

public sealed partial class SqliteLogStore
{
    private const string EntryColumns = "idx, integrated_time, body, artifact_digest, session_id, attachment";

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

    public LogEntry? Get(long index) => Query("WHERE idx = $p", index).FirstOrDefault();

    public IReadOnlyList<LogEntry> FindByArtifactDigest(string artifactDigestHex) =>
        Query("WHERE artifact_digest = $p ORDER BY idx", artifactDigestHex.ToLowerInvariant());

    internal static LogEntry Read(SqliteDataReader r) =>
        new(r.GetInt64(0), r.GetInt64(1), (byte[])r.GetValue(2), r.GetString(3), r.GetString(4), (byte[])r.GetValue(5));

    private List<LogEntry> Query(string where, object parameter)
    {
        using var c = _db.Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {EntryColumns} FROM tlog_entries {where}";
        cmd.Parameters.AddWithValue("$p", parameter);
        using var r = cmd.ExecuteReader();
        var list = new List<LogEntry>();
        while (r.Read()) list.Add(Read(r));
        return list;
    }
}
