namespace MpcSigning.Tests.Fuzzing;

/// <summary>
/// The campaign's random source: xoshiro256** seeded through SplitMix64 from (run seed, parser, iteration), so
/// every input is a pure function of those three numbers and one failing input can be rebuilt alone.
/// </summary>
internal sealed class FuzzRng
{
    private ulong _s0, _s1, _s2, _s3;

    public FuzzRng(ulong seed, string stream, long iteration)
    {
        var x = seed ^ StreamSalt(stream) ^ (0x9E3779B97F4A7C15UL * (ulong)(iteration + 1));
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, n); n must be positive.</summary>
    public int Next(int n) => (int)((NextUInt64() >> 33) % (ulong)n);

    /// <summary>Uniform in [min, max).</summary>
    public int Next(int min, int max) => min + Next(max - min);

    /// <summary>True with probability p.</summary>
    public bool Chance(double p) => (NextUInt64() >> 11) * (1.0 / (1UL << 53)) < p;

    public byte Byte() => (byte)NextUInt64();

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    public void Fill(Span<byte> bytes)
    {
        for (var i = 0; i < bytes.Length; i++) bytes[i] = (byte)NextUInt64();
    }

    public byte[] Bytes(int n)
    {
        var b = new byte[n];
        Fill(b);
        return b;
    }

    /// <summary>Small values most of the time, occasionally large: 1 + a geometric count.</summary>
    public int Small(int max)
    {
        var n = 1;
        while (n < max && Chance(0.4)) n++;
        return n;
    }

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong v, int k) => (v << k) | (v >> (64 - k));

    // FNV-1a: a stable salt per parser, so two parsers never see the same random stream from one run seed.
    private static ulong StreamSalt(string stream)
    {
        var h = 0xCBF29CE484222325UL;
        foreach (var c in stream) h = (h ^ c) * 0x100000001B3UL;
        return h;
    }
}
