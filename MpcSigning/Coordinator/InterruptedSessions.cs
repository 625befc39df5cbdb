using Akka.Configuration;
using Microsoft.Data.Sqlite;
using MpcSigning.Storage.Sqlite;

namespace MpcSigning.Coordinator;

/// <summary>
/// Sessions whose QuorumReached is in the journal but neither Logged nor Failed: a crash cut them off mid-signing.
/// Found from the journal's tag table (<see cref="SessionTagger"/>; table and column names from the journal plugin's
/// configuration), one indexed query instead of replaying every session. Akka.Persistence.Query's CurrentEventsByTag
/// answers the same question but waits for its sequence poller (about a second at every node start).
/// </summary>
public static class InterruptedSessions
{
    public static IReadOnlyList<byte[]> Find(SqliteDatabase journal, Config akkaConfig)
    {
        var tag = akkaConfig.GetConfig("akka.persistence.journal.sql.default.tag");
        var table = Identifier(tag.GetString("table-name"));
        var tagColumn = Identifier(tag.GetString("columns.tag-value"));
        var idColumn = Identifier(tag.GetString("columns.persistence-id"));
        using var c = journal.Connect();
        using (var exists = c.CreateCommand())
        {
            exists.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $t";
            exists.Parameters.AddWithValue("$t", tag.GetString("table-name"));
            if (Convert.ToInt64(exists.ExecuteScalar()) == 0) return []; // a new journal: nothing can be interrupted
        }
        using var q = c.CreateCommand();
        q.CommandText = $"SELECT {idColumn} FROM {table} WHERE {tagColumn} = $started EXCEPT SELECT {idColumn} FROM {table} WHERE {tagColumn} = $ended";
        q.Parameters.AddWithValue("$started", SessionTagger.SigningStarted);
        q.Parameters.AddWithValue("$ended", SessionTagger.SigningEnded);
        using var r = q.ExecuteReader();
        var ids = new List<byte[]>();
        while (r.Read())
        {
            var id = r.GetString(0);
            if (id.StartsWith(SessionActor.PersistencePrefix, StringComparison.Ordinal))
                ids.Add(Convert.FromHexString(id.AsSpan(SessionActor.PersistencePrefix.Length)));
        }
        return ids;
    }

    private static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";
}
