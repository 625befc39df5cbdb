using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace MpcSigning.Tests.Support;

/// <summary>
/// The PostgreSQL server the store tests use: MPCSIGN_TEST_POSTGRES (a connection string to a database the tests may
/// create databases from; .ci/run sets it to a server it started), else a throwaway server this helper starts itself
/// when PostgreSQL's binaries are installed (initdb into a temporary folder, 127.0.0.1 only, a free port, trust auth,
/// stopped when the test run ends). Without either, the tests that need it are ignored with the reason. Each test gets
/// its own database (<see cref="CreateDatabase"/>), so tests never see each other's rows.
/// </summary>
internal static class TestPostgres
{
    public const string Variable = "MPCSIGN_TEST_POSTGRES";

    private static readonly Lazy<(string? Admin, string? Why)> Server = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A new, empty database on the test server; dropped when disposed.</summary>
    public static TestDatabase CreateDatabase()
    {
        var (admin, why) = Server.Value;
        if (admin is null) Assert.Ignore(why ?? "no PostgreSQL");
        var name = "mpcsign_t_" + Guid.NewGuid().ToString("N");
        using (var c = new NpgsqlConnection(admin))
        {
            c.Open();
            using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", c);
            cmd.ExecuteNonQuery();
        }
        return new TestDatabase(admin!, new NpgsqlConnectionStringBuilder(admin) { Database = name, MaxPoolSize = 50 }.ConnectionString, name);
    }

    private static (string?, string?) Start()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given) return (given, null); // CI: never skipped
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderBy(d => d, StringComparer.Ordinal).LastOrDefault()
            : null;
        if (bin is null)
            return (null, $"PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb) and {Variable} is unset; install Debian's postgresql or run .ci/run");
        var root = Environment.UserName == "root";
        var dir = Directory.CreateTempSubdirectory("mpcsign-pg-").FullName;
        if (root) Run("chown", ["postgres:", dir]);
        var data = Path.Combine(dir, "data");
        var port = FreePort();
        Run(bin + "/initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"], root);
        Run(bin + "/pg_ctl", ["-D", data, "-l", Path.Combine(dir, "server.log"), "-w", "-o",
            $"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={dir} -c max_connections=300", "start"], root);
        // A watchdog outside this process stops the server and removes its folder once the test process is gone, however
        // it ends (the test host is often killed right after the run, before exit handlers finish).
        var stop = (root ? "runuser -u postgres -- " : "") + $"'{bin}/pg_ctl' -D '{data}' -m immediate stop";
        var watchdog = new ProcessStartInfo("setsid")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var a in new[] { "sh", "-c", $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; {stop} >/dev/null 2>&1; rm -rf '{dir}'" })
            watchdog.ArgumentList.Add(a);
        Process.Start(watchdog)!.Dispose();
        return ($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres", null);
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>Runs a PostgreSQL tool, as the postgres user when the tests run as root (initdb refuses root).</summary>
    private static void Run(string file, string[] args, bool asPostgres = false)
    {
        var psi = new ProcessStartInfo(asPostgres ? "runuser" : file) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (asPostgres) foreach (var a in new[] { "-u", "postgres", "--", file }) psi.ArgumentList.Add(a);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{Path.GetFileName(file)} failed ({p.ExitCode}): {stderr.Result}");
    }
}

/// <summary>One test's database; disposing it closes its pooled connections and drops it.</summary>
internal sealed class TestDatabase(string admin, string connectionString, string name) : IDisposable
{
    public string ConnectionString { get; } = connectionString;

    public void Dispose()
    {
        using var c = new NpgsqlConnection(admin);
        c.Open();
        using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", c);
        cmd.ExecuteNonQuery();
    }
}
