using Akka.Configuration;
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

    public static Config Build(string journalPath)
    {
        var connection = Quote("Data Source=" + journalPath + ";Pooling=True");
        var serializer = typeof(ProtoSerializer).AssemblyQualifiedName;
        var hocon = $$"""
            akka {
              loglevel = WARNING
              stdout-loglevel = OFF
              log-dead-letters = off
              log-dead-letters-during-shutdown = off
              actor {
                serializers { {{ProtoSerializer.Name}} = "{{serializer}}" }
                serialization-bindings { "Google.Protobuf.IMessage, Google.Protobuf" = {{ProtoSerializer.Name}} }
              }
              persistence {
                journal {
                  plugin = "akka.persistence.journal.sql"
                  sql {
                    connection-string = {{connection}}
                    provider-name = "SQLite.MS"
                    auto-initialize = true
                    # SQLite has one writer at a time: one journal writer, batching whatever is waiting
                    parallelism = 1
                    {{EventAdapters}}
                  }
                }
                snapshot-store {
                  plugin = "akka.persistence.snapshot-store.sql"
                  sql {
                    connection-string = {{connection}}
                    provider-name = "SQLite.MS"
                    auto-initialize = true
                  }
                }
              }
            }
            """;
        return ConfigurationFactory.ParseString(hocon).WithFallback(SqlPersistence.DefaultConfiguration);
    }

    /// <summary>The journal's event adapters (tagging session events); any journal plugin the node uses needs them.</summary>
    public static string EventAdapters =>
        $"event-adapters {{ session-tagger = \"{typeof(SessionTagger).AssemblyQualifiedName}\" }}\n" +
        $"event-adapter-bindings {{ \"{typeof(MpcSigning.Proto.Coordinator.SessionEvent).AssemblyQualifiedName}\" = session-tagger }}";

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
