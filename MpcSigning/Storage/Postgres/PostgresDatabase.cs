using Npgsql;

namespace MpcSigning.Storage.Postgres;

/// <summary>
/// A shared PostgreSQL database (one Npgsql data source, pooled). As on SQLite, each module owns its tables, prefixed
/// with the module name, and creates them through <see cref="Migrate"/>. Commits are durable when they return
/// (PostgreSQL's default synchronous_commit=on: the WAL is flushed before the commit is acknowledged).
/// </summary>
public sealed class PostgresDatabase : IDisposable
{
    /// <summary>Advisory lock key serialising schema creation across nodes (CREATE TABLE IF NOT EXISTS races otherwise).</summary>
    private const long MigrationLock = 0x6d7063_5369676e; // "mpcSign"

    private readonly NpgsqlDataSource _source;

    public string ConnectionString { get; }

    private PostgresDatabase(string connectionString)
    {
        ConnectionString = connectionString;
        _source = NpgsqlDataSource.Create(connectionString);
    }

    /// <summary>Connects once to check the server is reachable, then returns the database.</summary>
    public static PostgresDatabase Open(string connectionString)
    {
        var db = new PostgresDatabase(connectionString);
        try
        {
            using var c = db.Connect();
            return db;
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            db.Dispose();
            var b = new NpgsqlConnectionStringBuilder(connectionString);
            throw new StorageUnavailableException(
                $"cannot reach PostgreSQL database '{b.Database}' at {b.Host}:{b.Port} as '{b.Username}': {e.Message}. Check Storage:ConnectionString and that the server is up.", e);
        }
    }

    /// <summary>A new open connection from the pool. Dispose it when done.</summary>
    public NpgsqlConnection Connect() => _source.OpenConnection();

    /// <summary>Runs idempotent DDL in one transaction, one migrating node at a time.</summary>
    public void Migrate(params string[] statements)
    {
        using var c = Connect();
        using var tx = c.BeginTransaction();
        Execute(c, tx, $"SELECT pg_advisory_xact_lock({MigrationLock})");
        foreach (var s in statements) Execute(c, tx, s);
        tx.Commit();
    }

    public static int Execute(NpgsqlConnection c, NpgsqlTransaction? tx, string sql, params (string Name, object Value)[] parameters)
    {
        using var cmd = new NpgsqlCommand(sql, c, tx);
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        return cmd.ExecuteNonQuery();
    }

    public void Dispose() => _source.Dispose();
}

/// <summary>The configured shared store cannot be reached; the message says which and how to fix it.</summary>
public sealed class StorageUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
