using Google.Protobuf;
using Microsoft.Data.Sqlite;
using MpcSigning.Proto.Coordinator;

namespace MpcSigning.Storage.Sqlite;

/// <summary>Session events in table coordinator_events; (session_id, sequence) is the primary key, so a lost race fails.</summary>
public sealed class SqliteSessionEventStore : ISessionEventStore
{
    private readonly SqliteDatabase _db;

    public SqliteSessionEventStore(SqliteDatabase db)
    {
        _db = db;
        db.Migrate(
            """
            CREATE TABLE IF NOT EXISTS coordinator_events (
              session_id BLOB NOT NULL,
              sequence   INTEGER NOT NULL,
              kind       INTEGER NOT NULL, -- SessionEvent.KindOneofCase, so recovery needs no decoding
              event      BLOB NOT NULL,
              PRIMARY KEY (session_id, sequence)
            ) WITHOUT ROWID
            """,
            "CREATE INDEX IF NOT EXISTS coordinator_events_kind ON coordinator_events (kind)");
    }

    public void Append(byte[] sessionId, ulong expectedLastSequence, IReadOnlyList<SessionEvent> events)
    {
        using var c = _db.Connect();
        using var tx = c.BeginTransaction(deferred: false);
        using (var check = c.CreateCommand())
        {
            check.Transaction = tx;
            check.CommandText = "SELECT COALESCE(MAX(sequence), 0) FROM coordinator_events WHERE session_id = $s";
            check.Parameters.AddWithValue("$s", sessionId);
            var last = Convert.ToUInt64(check.ExecuteScalar());
            if (last != expectedLastSequence)
                throw new ConcurrentAppendException($"session {Convert.ToHexStringLower(sessionId)} is at event {last}, not {expectedLastSequence}");
        }
        var seq = expectedLastSequence;
        foreach (var e in events)
        {
            if (e.Sequence != ++seq) throw new ArgumentException($"event sequence {e.Sequence} should be {seq}", nameof(events));
            using var insert = c.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = "INSERT INTO coordinator_events (session_id, sequence, kind, event) VALUES ($s, $q, $k, $e)";
            insert.Parameters.AddWithValue("$k", (int)e.KindCase);
            insert.Parameters.AddWithValue("$s", sessionId);
            insert.Parameters.AddWithValue("$q", (long)e.Sequence);
            insert.Parameters.AddWithValue("$e", e.ToByteArray());
            try
            {
                insert.ExecuteNonQuery();
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == 19) // SQLITE_CONSTRAINT
            {
                throw new ConcurrentAppendException($"event {e.Sequence} of session {Convert.ToHexStringLower(sessionId)} already exists");
            }
        }
        tx.Commit();
    }

    public IReadOnlyList<SessionEvent> Load(byte[] sessionId)
    {
        using var c = _db.Connect();
        using var q = c.CreateCommand();
        q.CommandText = "SELECT event FROM coordinator_events WHERE session_id = $s ORDER BY sequence";
        q.Parameters.AddWithValue("$s", sessionId);
        using var r = q.ExecuteReader();
        var list = new List<SessionEvent>();
        while (r.Read()) list.Add(SessionEvent.Parser.ParseFrom((byte[])r[0]));
        return list;
    }

    public IReadOnlyList<byte[]> ListSigningInterrupted()
    {
        using var c = _db.Connect();
        using var q = c.CreateCommand();
        q.CommandText = """
            SELECT e.session_id FROM coordinator_events e
            WHERE e.kind IN ($quorum, $signed)
              AND e.sequence = (SELECT MAX(sequence) FROM coordinator_events WHERE session_id = e.session_id)
            """;
        q.Parameters.AddWithValue("$quorum", (int)SessionEvent.KindOneofCase.QuorumReached);
        q.Parameters.AddWithValue("$signed", (int)SessionEvent.KindOneofCase.Signed);
        using var r = q.ExecuteReader();
        var list = new List<byte[]>();
        while (r.Read()) list.Add((byte[])r[0]);
        return list;
    }
}
