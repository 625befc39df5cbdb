using Microsoft.Data.Sqlite;

namespace MpcSigning.Storage.Sqlite;

/// <summary>
/// The node's embedded SQLite database (one file in the data directory, WAL mode). Each module owns its own
/// tables, prefixed with the module name, and creates them through <see cref="Migrate"/>.
/// </summary>
public sealed class SqliteDatabase
{
    private static int _providerSet;

    public string FilePath { get; }
    private readonly string _connectionString;

    private SqliteDatabase(string filePath)
    {
        FilePath = filePath;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = filePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
        }.ToString();
    }

    /// <summary>Opens (creating if needed) the database file and switches it to WAL.</summary>
    public static SqliteDatabase Open(string filePath)
    {
        if (Interlocked.Exchange(ref _providerSet, 1) == 0) SQLitePCL.Batteries_V2.Init();
        var db = new SqliteDatabase(filePath);
        using var c = db.Connect();
        Execute(c, "PRAGMA journal_mode=WAL;");
        return db;
    }

    /// <summary>A new open connection with the project's pragmas. Dispose it when done.</summary>
    public SqliteConnection Connect()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        // FULL: a commit is on disk before anyone is acknowledged (the WAL is fsynced at every commit).
        Execute(c, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;");
        return c;
    }

    /// <summary>Runs idempotent DDL (CREATE TABLE IF NOT EXISTS ...) in one transaction.</summary>
    public void Migrate(params string[] statements)
    {
        using var c = Connect();
        using var tx = c.BeginTransaction();
        foreach (var s in statements)
        {
            using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = s;
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    public static void Execute(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
