using Akka.Configuration;
using MpcSigning.AuthN.Registry;
using MpcSigning.AuthN.Registry.Postgres;
using MpcSigning.AuthN.Registry.Sqlite;
using MpcSigning.Coordinator;
using MpcSigning.Hosting;
using MpcSigning.Hosting.Akka;
using MpcSigning.Storage.Postgres;
using MpcSigning.Storage.Sqlite;
using MpcSigning.TLog;
using MpcSigning.TLog.Sequencer;
using MpcSigning.TLog.Storage.Postgres;
using MpcSigning.TLog.Storage.Sqlite;

namespace MpcSigning.Storage;

/// <summary>
/// A node's stores on its configured provider (<see cref="StorageOptions"/>): the participant registry, the
/// transparency log and the session journal, either in the data directory's SQLite files (mpcsign.db, journal.db) or
/// in one shared PostgreSQL database. Only what the node's roles need is opened.
/// </summary>
public sealed class NodeStores : IDisposable
{
    private readonly DataDirectory _data;
    private readonly SqliteDatabase? _sqlite;
    private readonly SqliteDatabase? _sqliteJournal;
    private readonly PostgresDatabase? _postgres;

    public StorageOptions Options { get; }

    private NodeStores(StorageOptions options, DataDirectory data, SqliteDatabase? sqlite, SqliteDatabase? sqliteJournal, PostgresDatabase? postgres)
    {
        Options = options;
        _data = data;
        _sqlite = sqlite;
        _sqliteJournal = sqliteJournal;
        _postgres = postgres;
    }

    /// <param name="database">The node runs authn or tlog (the registry's and log's tables).</param>
    /// <param name="journal">The node runs the coordinator (session journal).</param>
    public static NodeStores Open(StorageOptions options, DataDirectory data, bool database, bool journal)
    {
        if (options.Provider == StorageProvider.PostgreSql)
            return new NodeStores(options, data, null, null, database || journal ? PostgresDatabase.Open(options.ConnectionString!) : null);
        return new NodeStores(options, data,
            database ? SqliteDatabase.Open(data.File(NodeHost.DatabaseFileName)) : null,
            journal ? SqliteDatabase.Open(data.File(NodeAkkaConfig.JournalFileName)) : null, // WAL before the journal's first connection
            null);
    }

    public IParticipantRegistry OpenRegistry(TimeProvider clock) =>
        _postgres is not null ? new PostgresParticipantRegistry(_postgres, clock) : new SqliteParticipantRegistry(Need(_sqlite), clock);

    public AuthN.Invitations.IInvitationStore OpenInvitations() =>
        _postgres is not null ? new AuthN.Invitations.PostgresInvitationStore(_postgres) : new AuthN.Invitations.SqliteInvitationStore(Need(_sqlite));

    public TransparencyLog OpenLog(TLogOptions options, TimeProvider clock) =>
        _postgres is not null ? PostgresTransparencyLog.Open(_data, _postgres, options, clock) : SqliteTransparencyLog.Open(_data, Need(_sqlite), options, clock);

    /// <summary>The journal and snapshot store's Akka configuration on this provider.</summary>
    public Config JournalConfig() => NodeAkkaConfig.Build(Options, _data.File(NodeAkkaConfig.JournalFileName));

    /// <summary>The journal's connection setup to add to the actor system (SQLite only), or null.</summary>
    public global::Akka.Persistence.Sql.Config.DataOptionsSetup? JournalSetup() => NodeAkkaConfig.Connections(Options, _data.File(NodeAkkaConfig.JournalFileName));

    /// <summary>Sessions a crash cut off mid-signing, from the journal (<see cref="InterruptedSessions"/>).</summary>
    public IReadOnlyList<byte[]> InterruptedSessions(Config akkaConfig) =>
        _postgres is not null ? Coordinator.InterruptedSessions.Find(_postgres, akkaConfig)
        : Coordinator.InterruptedSessions.Find(Need(_sqliteJournal), akkaConfig);

    private static SqliteDatabase Need(SqliteDatabase? db) =>
        db ?? throw new InvalidOperationException("this store was not opened for the node's roles");

    public void Dispose() => _postgres?.Dispose();
}
