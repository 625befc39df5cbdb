using BenchmarkDotNet.Attributes;
using MpcSigning.TLog.Checkpoints;
using MpcSigning.TLog.Merkle;
using MpcSigning.TLog.Rekor;

namespace MpcSigning.Benchmarks;

/// <summary>
/// Proof generation at about one million entries, checkpoint and signed-entry-timestamp signing. Sizes: exactly
/// 1,000,000 (7 imperfect subtrees on the right edge) and 2^20 - 1 (20 of them, the costly shape for proofs
/// built from nodes alone); "WithEdge" is what the log does, with the right edge hashed once per batch.
/// </summary>
[MemoryDiagnoser]
public class TLogProofBenchmarks
{
    private const long Size = (1 << 20) - 1;
    private readonly HashLevels _tree = new();
    private RightEdge _edge = null!;
    private RightEdge _edge1M = null!;
    private LogKey _key = null!;
    private byte[] _body = [];
    private long _i;

    [GlobalSetup]
    public void Setup()
    {
        for (long i = 0; i < Size; i++) _tree.AppendLeafHash(Rfc9162.HashLeaf(BitConverter.GetBytes(i)));
        _edge = RightEdge.Compute(_tree, Size);
        _edge1M = RightEdge.Compute(_tree, 1_000_000);
        _key = LogKey.FromSeed(new byte[32]);
        _body = new byte[650];
    }

    [GlobalCleanup]
    public void Cleanup() => _key.Dispose();

    private long Next(long size) => _i = (_i + 7919) % size;

    [Benchmark]
    public int InclusionProofAt1M() => ProofBuilder.Inclusion(_tree, Next(1_000_000), 1_000_000).Count;

    [Benchmark]
    public int InclusionProofAt1MWithEdge() => ProofBuilder.Inclusion(_tree, Next(1_000_000), 1_000_000, _edge1M).Count;

    [Benchmark]
    public int InclusionProofAt2Pow20Minus1() => ProofBuilder.Inclusion(_tree, Next(Size), Size).Count;

    [Benchmark]
    public int InclusionProofAt2Pow20Minus1WithEdge() => ProofBuilder.Inclusion(_tree, Next(Size), Size, _edge).Count;

    [Benchmark]
    public int ConsistencyProofAt1M() => ProofBuilder.Consistency(_tree, 1 + Next(999_999), 1_000_000).Count;

    [Benchmark]
    public int ConsistencyProofAt1MWithEdge() => ProofBuilder.Consistency(_tree, 1 + Next(999_999), 1_000_000, _edge1M).Count;

    [Benchmark]
    public byte[] RootAt1M() => ProofBuilder.Root(_tree, 1_000_000);

    [Benchmark]
    public RightEdge RightEdgeAt2Pow20Minus1() => RightEdge.Compute(_tree, Size);

    [Benchmark]
    public string CheckpointSigning() => CheckpointSigner.Sign(new Checkpoint("mpcsign.local/log", Size, _edge.Root), _key, "mpcsign.local/log");

    [Benchmark]
    public byte[] SignedEntryTimestampSigning() => SignedEntryTimestamp.Sign(_key.SecretKey, _body, 1_700_000_000, _edge.Root, Next(Size));
}
