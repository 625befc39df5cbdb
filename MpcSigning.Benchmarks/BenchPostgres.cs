using Npgsql;

namespace MpcSigning.Benchmarks;

/// <summary>
/// The PostgreSQL server the store benchmarks run against: MPCSIGN_BENCH_POSTGRES, a connection string to a server on
/// which new databases may be created (for example the one .ci/run starts, or a local <c>initdb</c> on 127.0.0.1).
/// Each benchmark gets a fresh database, dropped afterwards.
/// </summary>
internal static class BenchPostgres
{
    public const string Variable = "MPCSIGN_BENCH_POSTGRES";

    /// <summary>A new, empty database; returns its connection string.</summary>
    public static string CreateDatabase()
    {
        var admin = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(admin))
            throw new InvalidOperationException($"{Variable} is unset: set it to a connection string of a PostgreSQL server (15 or newer) " +
                "on which this user may create databases, e.g. Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres");
        var name = "mpcsign_bench_" + Guid.NewGuid().ToString("N");
        using (var c = new NpgsqlConnection(admin))
        {
            c.Open();
            using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", c);
            cmd.ExecuteNonQuery();
        }
        return new NpgsqlConnectionStringBuilder(admin) { Database = name, MaxPoolSize = 100 }.ConnectionString;
    }

    public static void DropDatabase(string connectionString)
    {
        NpgsqlConnection.ClearAllPools();
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        var name = b.Database!;
        using var c = new NpgsqlConnection(Environment.GetEnvironmentVariable(Variable));
        c.Open();
        using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name.Replace("\"", "\"\"")}\" WITH (FORCE)", c);
        cmd.ExecuteNonQuery();
    }
}
