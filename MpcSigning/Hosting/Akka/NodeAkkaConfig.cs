using System.Data.Common;
using Akka.Configuration;
using Akka.Persistence.Sql.Config;
using LinqToDB;
using Akka.Persistence.Sql;
using MpcSigning.Coordinator;

namespace MpcSigning.Hosting.Akka;

/// <summary>
/// The node's Akka configuration: Serilog as Akka's logger (nothing on stdout, which belongs to the CLI's output),
/// <see cref="ProtoSerializer"/> for every protobuf message (no other serializer for them), and Akka.Persistence.Sql
/// on SQLite in the data directory for the session journal and snapshots.
/// </summary>
public static class NodeAkkaConfig
{
    public const string JournalFileName = "journal.db";

    /// <summary>
    /// Akka dispatcher for work that blocks its thread on the disk (the journal's SQL, whose
    /// SQLite driver is synchronous under its async API and waits for each commit's fsync; the AuthN service's registry
    /// writes). On threads of its own, so that a burst of commits never holds the .NET thread pool, which every actor,
    /// ask and continuation of the node shares and which grows by only a thread or two a second once it is exhausted.
    /// </summary>
    public const string BlockingDispatcher = "mpcsign.blocking-io-dispatcher";

    public static Config Build(string journalPath) =>
        Build(ConnectionString(journalPath), "SQLite.MS", "# SQLite has one writer at a time: one journal writer, batching whatever is waiting\n parallelism = 1");

    /// <summary>
    /// The journal and snapshot store on the node's configured storage: SQLite in <paramref name="journalPath"/>, or the
    /// shared PostgreSQL database (tables journal, tags, snapshot, created on first use), where any coordinator node
    /// can recover a session another one persisted.
    /// </summary>
    public static Config Build(MpcSigning.Storage.StorageOptions storage, string journalPath) =>
        storage.Provider == MpcSigning.Storage.StorageProvider.PostgreSql
            ? Build(storage.ConnectionString!, ProviderName.PostgreSQL15, "parallelism = 4")
            : Build(journalPath);

    /// <summary>The SQLite connection setup (<see cref="SqliteConnections"/>) when the node's storage is SQLite, else null.</summary>
    public static DataOptionsSetup? Connections(MpcSigning.Storage.StorageOptions storage, string journalPath) =>
        storage.Provider == MpcSigning.Storage.StorageProvider.Sqlite ? SqliteConnections(journalPath) : null;

    private static Config Build(string connectionString, string providerName, string journalTuning)
    {
        var connection = Quote(connectionString);
        var serializer = typeof(ProtoSerializer).AssemblyQualifiedName;
        var hocon = $$"""
            mpcsign.blocking-io-dispatcher {
              type = ForkJoinDispatcher
              throughput = 32
              dedicated-thread-pool { thread-count = 4, threadtype = background }
            }
            akka {
              loglevel = WARNING
              stdout-loglevel = OFF
              log-dead-letters = off
              log-dead-letters-during-shutdown = off
              actor {
                default-dispatcher.executor = "thread-pool-executor"
                serializers { {{ProtoSerializer.Name}} = "{{serializer}}" }
                serialization-bindings { "Google.Protobuf.IMessage, Google.Protobuf" = {{ProtoSerializer.Name}} }
              }
              persistence {
                journal {
                  plugin = "akka.persistence.journal.sql"
                  sql {
                    connection-string = {{connection}}
                    provider-name = "{{providerName}}"
                    auto-initialize = true
                    materializer-dispatcher = "{{BlockingDispatcher}}"
                    {{journalTuning}}
                    {{EventAdapters}}
                  }
                }
                snapshot-store {
                  plugin = "akka.persistence.snapshot-store.sql"
                  sql {
                    connection-string = {{connection}}
                    provider-name = "{{providerName}}"
                    auto-initialize = true
                  }
                }
              }
            }
            """;
        return ConfigurationFactory.ParseString(hocon).WithFallback(SqlPersistence.DefaultConfiguration);
    }

    /// <summary>
    /// How the journal and snapshot store connect to SQLite: every connection they open waits in SQLite's own busy
    /// handler (millisecond back-off) when another writer holds the file, instead of Microsoft.Data.Sqlite's managed
    /// retry, which sleeps 150 ms per attempt and made concurrent sessions slower than sequential ones; and commits are
    /// fsynced (synchronous=FULL) whatever the library's default.
    /// </summary>
    public static DataOptionsSetup SqliteConnections(string journalPath) =>
        new(new DataOptions()
            .UseConnectionString(ProviderName.SQLiteMS, ConnectionString(journalPath))
            .UseAfterConnectionOpened(Configure, (c, _) =>
            {
                Configure(c);
                return Task.CompletedTask;
            }));

    private static void Configure(DbConnection connection)
    {
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = FULL;";
        pragma.ExecuteNonQuery();
    }

    /// <summary>The journal's event adapters (tagging session events); any journal plugin the node uses needs them.</summary>
    public static string EventAdapters =>
        $"event-adapters {{ session-tagger = \"{typeof(SessionTagger).AssemblyQualifiedName}\" }}\n" +
        $"event-adapter-bindings {{ \"{typeof(MpcSigning.Proto.Coordinator.SessionEvent).AssemblyQualifiedName}\" = session-tagger }}";

    private static string ConnectionString(string journalPath) => "Data Source=" + journalPath + ";Pooling=True";

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
