using Akka.Configuration;
using System.Data.Common;
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
        using var c = journal.Connect();
        return Find(c, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @t", akkaConfig);
    }

    /// <summary>The same query on the shared PostgreSQL journal.</summary>
    public static IReadOnlyList<byte[]> Find(MpcSigning.Storage.Postgres.PostgresDatabase journal, Config akkaConfig)
    {
        using var c = journal.Connect();
        return Find(c, "SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = @t", akkaConfig);
    }

    private static IReadOnlyList<byte[]> Find(DbConnection c, string tableExists, Config akkaConfig)
    {
        var tag = akkaConfig.GetConfig("akka.persistence.journal.sql.default.tag");
        var table = Identifier(tag.GetString("table-name"));
        var tagColumn = Identifier(tag.GetString("columns.tag-value"));
        var idColumn = Identifier(tag.GetString("columns.persistence-id"));
        using (var exists = c.CreateCommand())
        {
            exists.CommandText = tableExists;
            Add(exists, "t", tag.GetString("table-name"));
            if (Convert.ToInt64(exists.ExecuteScalar()) == 0) return []; // a new journal: nothing can be interrupted
        }
        using var q = c.CreateCommand();
        q.CommandText = $"SELECT {idColumn} FROM {table} WHERE {tagColumn} = @started EXCEPT SELECT {idColumn} FROM {table} WHERE {tagColumn} = @ended";
        Add(q, "started", SessionTagger.SigningStarted);
        Add(q, "ended", SessionTagger.SigningEnded);
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

    private static void Add(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }

    private static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";
}
