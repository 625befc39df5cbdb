using BenchmarkDotNet.Attributes;
using MpcSigning.Hosting;
using MpcSigning.TLog;
using MpcSigning.TLog.Checkpoints;
using MpcSigning.TLog.Merkle;
using MpcSigning.TLog.Storage.Sqlite;

namespace MpcSigning.Benchmarks;

/// <summary>Durable appends (group commit, fsync per batch) with 1, 16 and 256 concurrent writers.</summary>
[MemoryDiagnoser]
public class TLogAppendBenchmarks
{
    private const int Appends = 4096;
    private string _dir = "";
    private SqliteTransparencyLog _log = null!;
    private int _run;

    [Params(1, 16, 256)] public int Writers;

    [IterationSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "tlog-bench-" + Guid.NewGuid().ToString("N"));
        _log = SqliteTransparencyLog.Open(DataDirectory.Open(_dir));
        _run++;
    }

    [IterationCleanup]
    public void Cleanup()
    {
        _log.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, true);
    }

    /// <summary>One operation = 4096 durable appends; appends/s = 4096 / mean.</summary>
    [Benchmark(OperationsPerInvoke = Appends)]
    public async Task DurableAppends()
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            for (int i; (i = Interlocked.Increment(ref next)) < Appends;)
            {
                var body = System.Text.Encoding.UTF8.GetBytes($"{{\"bench\":{_run},\"i\":{i},\"pad\":\"{new string('x', 600)}\"}}");
                await _log.AppendAsync(new LogAppend(body, "00", $"b{_run}-{i}", []), CancellationToken.None);
            }
        })));
    }
}

/// <summary>Proof generation at one million entries, and checkpoint signing.</summary>
public class TLogProofBenchmarks
{
    private const long Size = 1_000_000;
    private readonly HashLevels _tree = new();
    private LogKey _key = null!;
    private long _i;

    [GlobalSetup]
    public void Setup()
    {
        for (long i = 0; i < Size; i++) _tree.AppendLeafHash(Rfc9162.HashLeaf(BitConverter.GetBytes(i)));
        _key = LogKey.FromSeed(new byte[32]);
    }

    [Benchmark]
    public int InclusionProofAt1M() => ProofBuilder.Inclusion(_tree, (_i = (_i + 7919) % Size), Size).Count;

    [Benchmark]
    public int ConsistencyProofAt1M() => ProofBuilder.Consistency(_tree, 1 + (_i = (_i + 7919) % (Size - 1)), Size).Count;

    [Benchmark]
    public byte[] RootAt1M() => ProofBuilder.Root(_tree, Size - 3);

    [Benchmark]
    public string CheckpointSigning() => CheckpointSigner.Sign(new Checkpoint("mpcsign.local/log", Size, ProofBuilder.Root(_tree, Size)), _key, "mpcsign.local/log");
}
