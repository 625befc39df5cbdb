using BenchmarkDotNet.Attributes;
using MpcSigning.Crypto;
using MpcSigning.Interop;
using Key = NSec.Cryptography.Key;

namespace MpcSigning.Benchmarks;

/// <summary>
/// Where FROST's time goes: the libsodium group operations it is built from (raw bindings), next to one Ed25519
/// sign and verify and one SHA-512 through NSec.
/// </summary>
public class FrostPrimitiveBenchmarks
{
    private readonly byte[] _scalar = new byte[32];
    private readonly byte[] _point = new byte[32];
    private readonly byte[] _other = new byte[32];
    private readonly byte[] _out = new byte[32];
    private readonly byte[] _message = new byte[256];
    private Key _key = null!;
    private byte[] _pk = [];
    private byte[] _sig = [];

    [GlobalSetup]
    public void Setup()
    {
        Sodium.ScalarRandom(_scalar);
        Sodium.ScalarMultBase(_point, _scalar);
        Sodium.ScalarMultBase(_other, _point[..32]);
        _key = Ed25519.GenerateKey();
        _pk = Ed25519.PublicKeyOf(_key);
        _sig = Ed25519.Sign(_key, _message);
    }

    [GlobalCleanup]
    public void Cleanup() => _key.Dispose();

    [Benchmark(Baseline = true)] public byte[] Ed25519Sign() => Ed25519.Sign(_key, _message);
    [Benchmark] public bool Ed25519Verify() => Ed25519.Verify(_pk, _message, _sig);
    [Benchmark] public bool ScalarMultBase() => Sodium.ScalarMultBase(_out, _scalar);
    [Benchmark] public bool ScalarMult() => Sodium.ScalarMult(_out, _scalar, _point);
    [Benchmark] public bool IsValidPoint() => Sodium.IsValidPoint(_point);
    [Benchmark] public bool PointAdd() => Sodium.PointAdd(_out, _point, _other);
    [Benchmark] public void ScalarMul() => Sodium.ScalarMul(_out, _scalar, _scalar);
    [Benchmark] public byte[] Sha512() => Hashes.Sha512(_message);
}
