using BenchmarkDotNet.Attributes;
using MpcSigning.Interop;

namespace MpcSigning.Benchmarks;

/// <summary>Where FROST's time goes: the libsodium group operations it is built from, next to one Ed25519 sign.</summary>
public class FrostPrimitiveBenchmarks
{
    private readonly byte[] _scalar = new byte[32];
    private readonly byte[] _point = new byte[32];
    private readonly byte[] _other = new byte[32];
    private readonly byte[] _out = new byte[32];
    private readonly byte[] _sk = new byte[64];
    private readonly byte[] _pk = new byte[32];
    private readonly byte[] _sig = new byte[64];
    private readonly byte[] _message = new byte[256];
    private readonly byte[] _wide = new byte[64];

    [GlobalSetup]
    public void Setup()
    {
        Sodium.ScalarRandom(_scalar);
        Sodium.ScalarMultBase(_point, _scalar);
        Sodium.ScalarMultBase(_other, _point[..32]);
        Sodium.Ed25519KeyPair(_pk, _sk);
        Sodium.Ed25519Sign(_sig, _message, _sk);
    }

    [Benchmark(Baseline = true)] public void Ed25519Sign() => Sodium.Ed25519Sign(_sig, _message, _sk);
    [Benchmark] public bool Ed25519Verify() => Sodium.Ed25519Verify(_sig, _message, _pk);
    [Benchmark] public bool ScalarMultBase() => Sodium.ScalarMultBase(_out, _scalar);
    [Benchmark] public bool ScalarMult() => Sodium.ScalarMult(_out, _scalar, _point);
    [Benchmark] public bool IsValidPoint() => Sodium.IsValidPoint(_point);
    [Benchmark] public bool PointAdd() => Sodium.PointAdd(_out, _point, _other);
    [Benchmark] public void ScalarMul() => Sodium.ScalarMul(_out, _scalar, _scalar);
    [Benchmark] public void Sha512() => Sodium.Sha512(_wide, _message);
}
