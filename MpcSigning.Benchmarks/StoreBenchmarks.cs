using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using MpcSigning.Hosting;
using MpcSigning.Storage;
using MpcSigning.Storage.Postgres;
using MpcSigning.TLog;
using MpcSigning.TLog.Sequencer;
using MpcSigning.TLog.Storage.Postgres;
using MpcSigning.TLog.Storage.Sqlite;

namespace MpcSigning.Benchmarks;

/// <summary>
/// Whole sessions in one node whose journal, registry and log are in SQLite (the single-node default) or in PostgreSQL
/// (the clustered deployment's shared store; a fresh database on the server MPCSIGN_BENCH_POSTGRES names), 32 per
/// invocation. With 1 in flight the mean is one session's latency and the median the p50 of the iterations' means;
/// with 32 in flight, sessions/s = 1 / mean (OperationsPerInvoke).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 2, iterationCount: 8)]
public class SessionStoreBenchmarks
{
    private const int SessionsPerInvoke = 32;

    private BenchNode _bench = null!;
    private string? _database;

    [Params("sqlite", "postgresql")]
    public string Store { get; set; } = "sqlite";

    [Params(1, 32)]
    public int InFlight { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var environment = new Dictionary<string, string>();
        if (Store == "postgresql")
        {
            _database = BenchPostgres.CreateDatabase();
            environment[StorageOptions.ProviderVariable] = "postgresql";
            environment[StorageOptions.ConnectionVariable] = _database;
        }
        _bench = BenchNode.Start(Enumerable.Range(0, InFlight).SelectMany(BenchSessions.Approvers), environment);
    }

    [Benchmark(Description = "whole session, N in flight", OperationsPerInvoke = SessionsPerInvoke)]
    public Task SessionsInFlight() => BenchSessions.RunAsync(_bench.Host.Client, _bench.Host.RelyingParty, _bench.Auth, InFlight, SessionsPerInvoke);

    [GlobalCleanup]
    public void Cleanup()
    {
        _bench.Stop();
        if (_database is not null) BenchPostgres.DropDatabase(_database);
    }
}

/// <summary>
/// Durable appends by 256 concurrent writers (4096 per invocation, a fresh log each iteration) to the log in SQLite or
/// in PostgreSQL (a fresh database on MPCSIGN_BENCH_POSTGRES's server); appends per second = 1 / mean.
/// </summary>
[MemoryDiagnoser]
[WarmupCount(2)]
[IterationCount(10)]
public class TLogStoreBenchmarks
{
    private const int Appends = 4096;
    private const int Writers = 256;

    private string _dir = "";
    private string? _database;
    private PostgresDatabase? _postgres;
    private TransparencyLog _log = null!;
    private LogAppend[] _entries = [];

    [Params("sqlite", "postgresql")]
    public string Store { get; set; } = "sqlite";

    [IterationSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "tlog-bench-" + Guid.NewGuid().ToString("N"));
        if (Store == "postgresql")
        {
            _database = BenchPostgres.CreateDatabase();
            _postgres = PostgresDatabase.Open(_database);
            _log = PostgresTransparencyLog.Open(DataDirectory.Open(_dir), _postgres);
        }
        else
        {
            _log = SqliteTransparencyLog.Open(DataDirectory.Open(_dir));
        }
        _entries = TLogBench.Entries(Appends);
    }

    [IterationCleanup]
    public void Cleanup()
    {
        _log.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _postgres?.Dispose();
        if (_database is not null) BenchPostgres.DropDatabase(_database);
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, true);
    }

    [Benchmark(OperationsPerInvoke = Appends)]
    public Task DurableAppends() => TLogBench.Append(_log, _entries, Writers);
}
