using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Microsoft.Win32.SafeHandles;
using MpcSigning.Hosting;
using MpcSigning.TLog;
using MpcSigning.TLog.Storage.Sqlite;

namespace MpcSigning.Benchmarks;

/// <summary>
/// A lone writer's durable appends, and the floors under them, in one long-lived process for strace/perf
/// (issue 13's "lone writer within 1.5x of one raw fsync"):
/// <list type="bullet">
/// <item><c>profile-lonewriter append fresh|1m WARMUP_S MEASURE_S [READY_FILE]</c>: one writer awaiting each
/// append, on a fresh log or a copy of the prepared 1,000,000-entry log; after the warm-up writes its process id to
/// READY_FILE; prints latency percentiles and CPU per append.</item>
/// <item><c>profile-lonewriter floors SECONDS</c>: each for SECONDS, in the temporary directory: the benchmark's
/// baseline (100 bytes written in place, fsync), a bare SQLite one-row commit (WAL; synchronous=FULL and NORMAL),
/// and pwrite of 4 KB and 28 KB appended to a file preallocated with zeros (and to a growing file) with fdatasync.</item>
/// </list>
/// </summary>
internal static class LoneWriterProfileDriver
{
    public static void Run(string[] args)
    {
        if (args is ["append", var where, var w, var m, ..] && where is "fresh" or "1m" && int.TryParse(w, out var warmup) && int.TryParse(m, out var measure))
            Append(where, warmup, measure, args.Length > 4 ? args[4] : null);
        else if (args is ["floors", var s] && int.TryParse(s, out var seconds))
            Floors(seconds);
        else if (args is ["parts"])
            Parts();
        else
        {
            Console.Error.WriteLine("usage: profile-lonewriter append fresh|1m WARMUP_S MEASURE_S [READY_FILE] | profile-lonewriter floors SECONDS");
            Environment.Exit(2);
        }
    }

    private static void Append(string where, int warmup, int measure, string? ready)
    {
        var (dir, log) = where == "1m"
            ? TLogBench.OpenPrepared(TLogBench.Million)
            : (Path.Combine(Path.GetTempPath(), "tlog-bench-" + Guid.NewGuid().ToString("N")), null);
        log ??= SqliteTransparencyLog.Open(DataDirectory.Open(dir));
        try
        {
            Loop(log, warmup, null);
            if (ready is not null) File.WriteAllText(ready, Environment.ProcessId.ToString());
            var cpu0 = ProfileStats.ProcessCpu();
            var lat = new List<double>();
            var wall = Stopwatch.StartNew();
            Loop(log, measure, lat);
            var secs = wall.Elapsed.TotalSeconds;
            var cpu1 = ProfileStats.ProcessCpu();
            Report($"lone writer append ({where}, log size {log.Size})", lat);
            Console.WriteLine($"  {lat.Count} appends in {secs:F1} s; process cpu us/append: user {(cpu1.User - cpu0.User) * 1000 / lat.Count:F0} kernel {(cpu1.Kernel - cpu0.Kernel) * 1000 / lat.Count:F0}");
        }
        finally
        {
            TLogBench.Close(dir, log);
        }
    }

    /// <summary>Awaits each append on a thread-pool thread, as the benchmark's writer (TLogBench.Append) does.</summary>
    private static void Loop(SqliteTransparencyLog log, int seconds, List<double>? latencies) => Task.Run(async () =>
    {
        var until = Stopwatch.GetTimestamp() + seconds * Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < until)
        {
            var entries = TLogBench.Entries(256);
            foreach (var e in entries)
            {
                var start = Stopwatch.GetTimestamp();
                await log.AppendAsync(e, CancellationToken.None);
                latencies?.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }
        }
    }).GetAwaiter().GetResult();

    private static void Floors(int seconds)
    {
        var dir = Path.Combine(Path.GetTempPath(), "tlog-floors-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            InPlaceFsync(dir, seconds);
            SqliteOneRow(dir, seconds, "FULL");
            SqliteOneRow(dir, seconds, "NORMAL");
            Appended(dir, seconds, 4096, preallocated: true);
            Appended(dir, seconds, 28672, preallocated: true);
            Appended(dir, seconds, 4096, preallocated: false);
            Appended(dir, seconds, 28672, preallocated: false);
            InPlaceFsync(dir, seconds);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, true);
        }
    }

    /// <summary>
    /// The writer's CPU stages in a tight loop (warm caches: a lower bound of their cost on the commit path): the
    /// checkpoint's right edge and signature at 50,000 and 1,000,000 leaves, a leaf hash, a signed entry timestamp.
    /// </summary>
    private static void Parts()
    {
        var options = new TLogOptions();
        using var key = MpcSigning.TLog.Checkpoints.LogKey.FromSeed(new byte[32]);
        var body = TLogBench.Entries(1)[0].CanonicalBody;
        foreach (var size in new[] { 50_000, 1_000_000 })
        {
            var levels = new MpcSigning.TLog.Merkle.HashLevels();
            var leaf = MpcSigning.TLog.Merkle.Rfc9162.HashLeaf(body);
            for (var i = 0; i < size; i++) levels.AppendLeafHash(leaf);
            Report($"append leaf + right edge at {size}", Timed(2, () =>
            {
                levels.AppendLeafHash(leaf);
                MpcSigning.TLog.Merkle.RightEdge.Compute(levels, levels.Size);
            }));
            var root = MpcSigning.TLog.Merkle.RightEdge.Compute(levels, levels.Size).Root;
            Report($"checkpoint sign at {size}", Timed(2, () =>
                MpcSigning.TLog.Checkpoints.CheckpointSigner.Sign(new MpcSigning.TLog.Checkpoints.Checkpoint(options.Origin, levels.Size, root), key, options.KeyName)));
        }
        Report("leaf hash (~650 B body)", Timed(2, () => MpcSigning.TLog.Merkle.Rfc9162.HashLeaf(body)));
        Report("signed entry timestamp", Timed(2, () => MpcSigning.TLog.Rekor.SignedEntryTimestamp.Sign(key.SecretKey, body, 1, new byte[32], 1)));
    }

    /// <summary>The benchmark's baseline: 100 bytes written at offset 0 of a 4 KB file, then fsync.</summary>
    private static void InPlaceFsync(string dir, int seconds)
    {
        var file = Path.Combine(dir, "inplace-" + Guid.NewGuid().ToString("N"));
        using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        stream.Write(new byte[4096]);
        stream.Flush(flushToDisk: true);
        var record = new byte[100];
        Report("raw: 100 B in place + fsync (benchmark baseline)", Timed(seconds, () =>
        {
            record[0]++;
            stream.Position = 0;
            stream.Write(record);
            stream.Flush(flushToDisk: true);
        }));
    }

    /// <summary>One ~700-byte row per transaction, like one entry, into a fresh WAL database.</summary>
    private static void SqliteOneRow(string dir, int seconds, string synchronous)
    {
        var file = Path.Combine(dir, $"bare-{synchronous}.db");
        using var c = new SqliteConnection($"Data Source={file};Pooling=False");
        c.Open();
        using (var setup = c.CreateCommand())
        {
            setup.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous}; CREATE TABLE t (idx INTEGER PRIMARY KEY, body BLOB NOT NULL)";
            setup.ExecuteNonQuery();
        }
        using var insert = c.CreateCommand();
        insert.CommandText = "INSERT INTO t (idx, body) VALUES ($i, $b)";
        var pi = insert.Parameters.Add("$i", SqliteType.Integer);
        var pb = insert.Parameters.Add("$b", SqliteType.Blob);
        insert.Prepare();
        var body = new byte[700];
        long i = 0;
        Report($"bare SQLite one-row commit, WAL, synchronous={synchronous}", Timed(seconds, () =>
        {
            using var tx = c.BeginTransaction();
            insert.Transaction = tx;
            pi.Value = i++;
            body[0]++;
            pb.Value = body;
            insert.ExecuteNonQuery();
            tx.Commit();
        }));
    }

    /// <summary>Records of <paramref name="size"/> bytes written one after another, each followed by fdatasync.</summary>
    private static void Appended(string dir, int seconds, int size, bool preallocated)
    {
        var file = Path.Combine(dir, $"append-{size}-{preallocated}");
        const long Capacity = 1L << 28;
        using var h = File.OpenHandle(file, FileMode.CreateNew, FileAccess.ReadWrite);
        if (preallocated)
        {
            // Written zeros (not fallocate's unwritten extents): overwriting them then changes no file metadata.
            var zeros = new byte[1 << 20];
            for (long o = 0; o < Capacity; o += zeros.Length) RandomAccess.Write(h, zeros, o);
            if (FsyncOf(h) != 0) throw new IOException("fsync failed");
        }
        var record = new byte[size];
        long offset = 0;
        Report($"pwrite {size} B appended ({(preallocated ? "preallocated, zeros written" : "growing file")}) + fdatasync", Timed(seconds, () =>
        {
            record[0]++;
            RandomAccess.Write(h, record, offset);
            offset = (offset + size) % Capacity;
            if (FdatasyncOf(h) != 0) throw new IOException($"fdatasync failed: errno {Marshal.GetLastPInvokeError()}");
        }));
    }

    private static List<double> Timed(int seconds, Action op)
    {
        var lat = new List<double>();
        var until = Stopwatch.GetTimestamp() + seconds * Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < until)
        {
            var start = Stopwatch.GetTimestamp();
            op();
            lat.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }
        return lat;
    }

    private static void Report(string what, List<double> lat)
    {
        var s = lat.Order().ToArray();
        double P(double q) => ProfileStats.Quantile(s, q);
        Console.WriteLine($"{what}: n={s.Length} mean {s.Average():F1} us, p50 {P(0.5):F1}, p90 {P(0.9):F1}, p99 {P(0.99):F1}, min {s[0]:F1}");
    }

    private static int FsyncOf(SafeFileHandle h) => Fsync((int)h.DangerousGetHandle());

    private static int FdatasyncOf(SafeFileHandle h) => Fdatasync((int)h.DangerousGetHandle());

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static extern int Fdatasync(int fd);
}
