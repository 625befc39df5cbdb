using BenchmarkDotNet.Attributes;
using MpcSigning.Crypto;
using MpcSigning.Crypto.Edwards25519;
using MpcSigning.Interop;
using Key = NSec.Cryptography.Key;

namespace MpcSigning.Benchmarks;

/// <summary>
/// The managed variable-time edwards25519 arithmetic FROST uses on public values, next to one Ed25519
/// sign (NSec) and the libsodium calls it replaces (see FrostPrimitiveBenchmarks).
/// </summary>
public class FrostPublicArithmeticBenchmarks
{
    private readonly byte[] _scalar = new byte[32];
    private readonly byte[] _other = new byte[32];
    private readonly byte[] _encoded = new byte[32];
    private readonly byte[] _product = new byte[32];
    private readonly byte[] _message = new byte[256];
    private Key _key = null!;
    private PublicPoint _point;
    private PublicPoint _second;
    private byte[][] _scalars = [];
    private PublicPoint[] _points = [];

    [GlobalSetup]
    public void Setup()
    {
        Sodium.ScalarRandom(_scalar);
        Sodium.ScalarRandom(_other);
        Sodium.ScalarMultBase(_encoded, _scalar);
        PublicPoint.TryDecodeValidated(_encoded, out _point);
        _second = PublicPoint.Base.Multiply(_other);
        _key = Ed25519.GenerateKey();
        _scalars = [_scalar, _other];
        _points = [_point, _second];
    }

    [GlobalCleanup]
    public void Cleanup() => _key.Dispose();

    [Benchmark(Baseline = true)] public byte[] Ed25519Sign() => Ed25519.Sign(_key, _message);
    [Benchmark] public bool LibsodiumIsValidPoint() => Sodium.IsValidPoint(_encoded);
    [Benchmark] public bool LibsodiumScalarMult() => Sodium.ScalarMult(_product, _scalar, _encoded);
    [Benchmark] public bool Decode() => PublicPoint.TryDecode(_encoded, out _);
    /// <summary>Decoding plus the point-halving subgroup test (what FROST runs on every received point).</summary>
    [Benchmark] public bool DecodeValidated() => PublicPoint.TryDecodeValidated(_encoded, out _);
    /// <summary>Decoding plus the subgroup test by definition, [L]P = O (the halving test's oracle).</summary>
    [Benchmark] public bool DecodeThenMultiplyByOrder() => PublicPoint.TryDecode(_encoded, out var p) && p.IsInPrimeOrderSubgroup;
    [Benchmark] public byte[] Encode() => _point.Encode();
    [Benchmark] public bool Add() => PublicPoint.Add(_point, _second).T.L0 != 1;
    [Benchmark] public bool Double() => PublicPoint.Double(_point).T.L0 != 1;
    [Benchmark] public bool Multiply() => _point.Multiply(_scalar).T.L0 != 1;
    [Benchmark] public bool MultiplyBase() => PublicPoint.MultiplyBase(_scalar).T.L0 != 1;
    [Benchmark] public bool MultiScalarTwo() => PublicPoint.MultiScalarMultiply([], _scalars, _points).T.L0 != 1;
    [Benchmark] public bool MultiScalarTwoPlusBase() => PublicPoint.MultiScalarMultiply(_scalar, _scalars, _points).T.L0 != 1;
    [Benchmark] public ulong FieldMul() => FieldElement.Mul(_point.X, _second.Y).L0;
    [Benchmark] public ulong FieldSquare() => FieldElement.Square(_point.X).L0;
}
