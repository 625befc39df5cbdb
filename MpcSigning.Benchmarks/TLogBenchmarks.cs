using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
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
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, true);
    }

    [Benchmark(OperationsPerInvoke = Appends)]
    public Task DurableAppends() => TLogBench.Append(_log, _entries, Writers);
}

/// <summary>
/// The same appends to a log that already holds 1,000,000 entries and keeps growing across iterations: 4096 by
/// 256 writers per invocation, and 256 by a lone writer (its latency = Mean). At this size the lookups by
/// session and digest span tens of thousands of pages, the WAL checkpoints run in steady state, and whatever
/// an append costs per entry already stored shows. The log is a copy of a prepared one (see
/// <see cref="TLogBench.Prepared"/>), so every run starts from the same million entries.
/// </summary>
[MemoryDiagnoser]
[WarmupCount(2)]
[IterationCount(10)]
public class TLogAppendAt1MBenchmarks
{
    private const int Appends = 4096;
    private const int LoneAppends = 256;
    private const int Prefilled = 1_000_000;
    private string _dir = "";
    private SqliteTransparencyLog _log = null!;
    private LogAppend[] _entries = [];

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "tlog-bench-" + Guid.NewGuid().ToString("N"));
        TLogBench.CopyLog(TLogBench.Prepared(Prefilled), _dir);
        _log = SqliteTransparencyLog.Open(DataDirectory.Open(_dir));
        if (_log.Size < Prefilled) throw new InvalidOperationException($"the prepared log holds {_log.Size} entries, not {Prefilled}");
    }

    [IterationSetup(Target = nameof(DurableAppendsAt1M))]
    public void Entries() => _entries = TLogBench.Entries(Appends);

    [IterationSetup(Target = nameof(LoneWriterAppendAt1M))]
    public void LoneEntries() => _entries = TLogBench.Entries(LoneAppends);

    [GlobalCleanup]
    public void Cleanup()
    {
        _log.DisposeAsync().AsTask().GetAwaiter().GetResult();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, true);
    }

    [Benchmark(OperationsPerInvoke = Appends)]
    public Task DurableAppendsAt1M() => TLogBench.Append(_log, _entries, 256);

    [Benchmark(OperationsPerInvoke = LoneAppends)]
    public Task LoneWriterAppendAt1M() => TLogBench.Append(_log, _entries, 1);
}

/// <summary>
/// The disk's floor for a durable append: one small write (100 bytes, in place) and fsync of a file in the same
/// temporary directory as the logs. Run with the append benchmarks (<c>--filter '*TLog*'</c>) so the lone
/// writer's latency is compared with the same disk at the same time.
/// </summary>
public class TLogRawFsyncBenchmarks
{
    private readonly byte[] _record = new byte[100];
    private string _file = "";
    private FileStream _stream = null!;

    [GlobalSetup]
    public void Setup()
    {
        _file = Path.Combine(Path.GetTempPath(), "tlog-bench-fsync-" + Guid.NewGuid().ToString("N"));
        _stream = new FileStream(_file, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        _stream.Write(new byte[4096]);
        _stream.Flush(flushToDisk: true);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stream.Dispose();
        File.Delete(_file);
    }

    [Benchmark]
    public void SmallWriteAndFsync()
    {
        _record[0]++;
        _stream.Position = 0;
        _stream.Write(_record);
        _stream.Flush(flushToDisk: true);
    }
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

    /// <summary>
    /// A data directory holding a log of <paramref name="count"/> entries, built once and kept in the temporary
    /// directory (mpcsign-tlog-bench/COUNT-SCHEMA, about 1 GB for a million), keyed by a hash of the tlog_* table
    /// definitions so that a store with another layout gets its own. It is built through the log's own write path
    /// in large batches: 2048 writers and batches of up to 8192 appends, about a minute on two cores (mostly
    /// signing the entries' timestamps), instead of a million single appends with an fsync each. The WAL is
    /// checkpointed into the database file before it is marked ready, so a copy of the directory is the whole log.
    /// </summary>
    public static string Prepared(int count)
    {
        var root = Path.Combine(Path.GetTempPath(), "mpcsign-tlog-bench");
        var dir = Path.Combine(root, $"{count}-{SchemaHash()}");
        var ready = Path.Combine(dir, "ready");
        if (File.Exists(ready)) return dir;
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        var log = SqliteTransparencyLog.Open(DataDirectory.Open(dir), new TLogOptions { MaxBatch = 8192 });
        try
        {
            const int Slice = 65536;
            for (var done = 0; done < count; done += Slice)
                Append(log, Entries(Math.Min(Slice, count - done)), 2048).GetAwaiter().GetResult();
        }
        finally
        {
            log.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        using (var c = new SqliteConnection($"Data Source={Path.Combine(dir, SqliteTransparencyLog.DefaultDatabaseFile)}"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            cmd.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();
        File.WriteAllText(ready, "");
        return dir;
    }

    /// <summary>
    /// Copies a prepared data directory (database and key file) and fsyncs the copies: otherwise the kernel writes
    /// the gigabyte back while the first iterations run, and their fsyncs wait behind it.
    /// </summary>
    public static void CopyLog(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from))
        {
            if (Path.GetFileName(f) == "ready") continue;
            var copy = Path.Combine(to, Path.GetFileName(f));
            File.Copy(f, copy);
            using var written = new FileStream(copy, FileMode.Open, FileAccess.ReadWrite);
            written.Flush(flushToDisk: true);
        }
        File.SetUnixFileMode(to, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Hash of the tlog_* table definitions a fresh log creates: names the prepared copy of that layout.</summary>
    private static string SchemaHash()
    {
        var dir = Path.Combine(Path.GetTempPath(), "tlog-bench-schema-" + Guid.NewGuid().ToString("N"));
        try
        {
            SqliteTransparencyLog.Open(DataDirectory.Open(dir)).DisposeAsync().AsTask().GetAwaiter().GetResult();
            using var c = new SqliteConnection($"Data Source={Path.Combine(dir, SqliteTransparencyLog.DefaultDatabaseFile)}");
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_master WHERE name LIKE 'tlog%' AND sql IS NOT NULL ORDER BY name)";
            var ddl = (string)cmd.ExecuteScalar()!;
            return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ddl)))[..12];
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, true);
        }
    }
}
