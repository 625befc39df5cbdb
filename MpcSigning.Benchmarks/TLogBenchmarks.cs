using BenchmarkDotNet.Attributes;
using MpcSigning.Hosting;
using MpcSigning.TLog;
using MpcSigning.TLog.Storage.Sqlite;

namespace MpcSigning.Benchmarks;

/// <summary>
/// Durable appends (group commit, one fsync per batch) with 1, 16 and 256 concurrent writers. One operation is
/// one durable append (OperationsPerInvoke), so appends per second = 1 / Mean; each invocation runs 4096 of them
/// against a fresh log. Entries are built before the clock starts and look like the coordinator's: a random
/// 128-bit session id, the SHA-256 of the body as artifact digest, a body about the size of a Rekor dsse body.
/// </summary>
[MemoryDiagnoser]
[WarmupCount(2)]
[IterationCount(10)] // also under --job short: 3 iterations of a few hundred ms on a shared machine do not give a stable figure
public class TLogAppendBenchmarks
{
    private const int Appends = 4096;
    private string _dir = "";
    private SqliteTransparencyLog _log = null!;
    private LogAppend[] _entries = [];

    [Params(1, 16, 256)] public int Writers;

    [IterationSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "tlog-bench-" + Guid.NewGuid().ToString("N"));
        _log = SqliteTransparencyLog.Open(DataDirectory.Open(_dir));
        _entries = TLogBench.Entries(Appends);
    }

    [IterationCleanup]
    public void Cleanup()
    {
        _log.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, true);
    }

    [Benchmark(OperationsPerInvoke = Appends)]
    public Task DurableAppends() => TLogBench.Append(_log, _entries, Writers);
}

/// <summary>
/// The same appends (256 writers) to a log that already holds 100,000 entries and keeps growing across
/// iterations: the indexes no longer fit a few pages, so each append dirties index pages of its own and the
/// WAL checkpoints run in steady state, which a fresh 4096-entry log never shows.
/// </summary>
[MemoryDiagnoser]
[WarmupCount(2)]
[IterationCount(10)]
public class TLogAppendAtScaleBenchmarks
{
    private const int Appends = 4096;
    private const int Prefilled = 100_000;
    private string _dir = "";
    private SqliteTransparencyLog _log = null!;
    private LogAppend[] _entries = [];

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "tlog-bench-" + Guid.NewGuid().ToString("N"));
        _log = SqliteTransparencyLog.Open(DataDirectory.Open(_dir));
        TLogBench.Append(_log, TLogBench.Entries(Prefilled), 256).GetAwaiter().GetResult();
    }

    [IterationSetup]
    public void Entries() => _entries = TLogBench.Entries(Appends);

    [GlobalCleanup]
    public void Cleanup()
    {
        _log.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, true);
    }

    [Benchmark(OperationsPerInvoke = Appends)]
    public Task DurableAppendsAt100K() => TLogBench.Append(_log, _entries, 256);
}

internal static class TLogBench
{
    /// <summary>Entries like the coordinator's: random 128-bit session id, SHA-256 of the body as digest, ~650-byte body.</summary>
    public static LogAppend[] Entries(int count)
    {
        var entries = new LogAppend[count];
        for (var i = 0; i < count; i++)
        {
            var session = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
            var body = System.Text.Encoding.UTF8.GetBytes($"{{\"session\":\"{session}\",\"pad\":\"{new string('x', 600)}\"}}");
            entries[i] = new LogAppend(body, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body)), session, []);
        }
        return entries;
    }

    /// <summary>All entries, durably, by <paramref name="writers"/> concurrent writers each awaiting its receipt.</summary>
    public static async Task Append(SqliteTransparencyLog log, LogAppend[] entries, int writers)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            for (int i; (i = Interlocked.Increment(ref next)) < entries.Length;)
                await log.AppendAsync(entries[i], CancellationToken.None);
        })));
    }
}
