using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using MpcSigning.Hosting;
using MpcSigning.TLog;
using MpcSigning.TLog.Sequencer;
using MpcSigning.TLog.Storage.Sqlite;

namespace MpcSigning.Benchmarks;

/// <summary>
/// Durable appends (group commit, one fsync per batch) with 16 and 256 concurrent writers (a lone writer: see
/// <see cref="TLogLoneWriterBenchmarks"/>). One operation is one durable append (OperationsPerInvoke), so appends
/// per second = 1 / Mean; each invocation runs 4096 of them against a fresh log. Entries are built before the clock starts and look like the coordinator's: a random
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

    [Params(16, 256)] public int Writers;

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
/// The same appends by 256 writers (4096 per invocation) to a log that already holds 1,000,000 entries and keeps
/// growing across iterations. At this size the lookups by session and digest span thousands of pages, the WAL
/// checkpoints run in steady state, and whatever an append costs per entry already stored shows. The log is a
/// copy of a prepared one (see <see cref="TLogBench.Prepared"/>), so every run starts from the same million entries.
/// </summary>
[MemoryDiagnoser]
[WarmupCount(2)]
[IterationCount(10)]
public class TLogAppendAt1MBenchmarks
{
    private const int Appends = 4096;
    private string _dir = "";
    private SqliteTransparencyLog _log = null!;
    private LogAppend[] _entries = [];

    [GlobalSetup]
    public void Setup() => (_dir, _log) = TLogBench.OpenPrepared(TLogBench.Million);

    [IterationSetup]
    public void Entries() => _entries = TLogBench.Entries(Appends);

    [GlobalCleanup]
    public void Cleanup() => TLogBench.Close(_dir, _log);

    [Benchmark(OperationsPerInvoke = Appends)]
    public Task DurableAppendsAt1M() => TLogBench.Append(_log, _entries, 256);
}

/// <summary>
/// A lone writer's durable append (Mean = its latency; 256 appends per invocation) on a fresh log and on the
/// prepared 1,000,000-entry log, against the disk's floor: one small write (100 bytes, in place) and fsync of a
/// file in the same temporary directory (the baseline, so the Ratio column is latency / raw fsync). The three
/// run one after the other in the same run, since this shared disk's fsync time changes from minute to minute.
/// </summary>
[MemoryDiagnoser]
[WarmupCount(2)]
[IterationCount(15)]
public class TLogLoneWriterBenchmarks
{
    private const int Appends = 256;
    private readonly byte[] _record = new byte[100];
    private string _dir = "";
    private SqliteTransparencyLog _log = null!;
    private LogAppend[] _entries = [];
    private string _file = "";
    private FileStream _stream = null!;

    [GlobalSetup(Target = nameof(LoneWriterAppendFresh))]
    public void SetupFresh()
    {
        _dir = Path.Combine(Path.GetTempPath(), "tlog-bench-" + Guid.NewGuid().ToString("N"));
        _log = SqliteTransparencyLog.Open(DataDirectory.Open(_dir));
    }

    [GlobalSetup(Target = nameof(LoneWriterAppendAt1M))]
    public void SetupAt1M() => (_dir, _log) = TLogBench.OpenPrepared(TLogBench.Million);

    [GlobalSetup(Target = nameof(SmallWriteAndFsync))]
    public void SetupFsync()
    {
        _file = Path.Combine(Path.GetTempPath(), "tlog-bench-fsync-" + Guid.NewGuid().ToString("N"));
        _stream = new FileStream(_file, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        _stream.Write(new byte[4096]);
        _stream.Flush(flushToDisk: true);
    }

    // For all three, so that they run with the same job settings and BenchmarkDotNet prints their Ratio.
    [IterationSetup]
    public void Entries() => _entries = TLogBench.Entries(Appends);

    [GlobalCleanup(Targets = [nameof(LoneWriterAppendFresh), nameof(LoneWriterAppendAt1M)])]
    public void CleanupLog() => TLogBench.Close(_dir, _log);

    [GlobalCleanup(Target = nameof(SmallWriteAndFsync))]
    public void CleanupFsync()
    {
        _stream.Dispose();
        File.Delete(_file);
    }

    [Benchmark(OperationsPerInvoke = Appends)]
    public Task LoneWriterAppendFresh() => TLogBench.Append(_log, _entries, 1);

    [Benchmark(Baseline = true, OperationsPerInvoke = Appends)]
    public void SmallWriteAndFsync()
    {
        for (var i = 0; i < Appends; i++)
        {
            _record[0]++;
            _stream.Position = 0;
            _stream.Write(_record);
            _stream.Flush(flushToDisk: true);
        }
    }

    [Benchmark(OperationsPerInvoke = Appends)]
    public Task LoneWriterAppendAt1M() => TLogBench.Append(_log, _entries, 1);
}

internal static class TLogBench
{
    public const int Million = 1_000_000;

    /// <summary>A copy of the prepared log of <paramref name="count"/> entries in a new directory, opened.</summary>
    public static (string Dir, SqliteTransparencyLog Log) OpenPrepared(int count)
    {
        var dir = Path.Combine(Path.GetTempPath(), "tlog-bench-" + Guid.NewGuid().ToString("N"));
        CopyLog(Prepared(count), dir);
        var log = SqliteTransparencyLog.Open(DataDirectory.Open(dir));
        if (log.Size < count) throw new InvalidOperationException($"the prepared log holds {log.Size} entries, not {count}");
        return (dir, log);
    }

    public static void Close(string dir, SqliteTransparencyLog log)
    {
        log.DisposeAsync().AsTask().GetAwaiter().GetResult();
        SqliteConnection.ClearAllPools();
        Directory.Delete(dir, true);
    }

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
    public static async Task Append(TransparencyLog log, LogAppend[] entries, int writers)
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
