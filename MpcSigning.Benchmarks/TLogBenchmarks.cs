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
        _entries = new LogAppend[Appends];
        for (var i = 0; i < Appends; i++)
        {
            var session = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
            var body = System.Text.Encoding.UTF8.GetBytes($"{{\"session\":\"{session}\",\"pad\":\"{new string('x', 600)}\"}}");
            _entries[i] = new LogAppend(body, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body)), session, []);
        }
    }

    [IterationCleanup]
    public void Cleanup()
    {
        _log.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, true);
    }

    [Benchmark(OperationsPerInvoke = Appends)]
    public async Task DurableAppends()
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            for (int i; (i = Interlocked.Increment(ref next)) < Appends;)
                await _log.AppendAsync(_entries[i], CancellationToken.None);
        })));
    }
}
