namespace MpcSigning.Crypto.Edwards25519;

/// <summary>
/// Variable-time scalar multiplication for PUBLIC scalars and points: width-w NAF recoding and Straus's
/// interleaving, so that a sum of k products shares one chain of about 253 doublings.
/// </summary>
internal readonly partial struct PublicPoint
{
    /// <summary>NAF width for points seen once: a table of 8 odd multiples (7 additions) pays for itself.</summary>
    private const int Width = 5;

    /// <summary>NAF width for B, whose table of 64 odd multiples is built once per process.</summary>
    private const int BaseWidth = 8;

    private static readonly Lazy<CachedPoint[]> BaseTable = new(() => OddMultiples(Base, BaseWidth));

    /// <summary>The group order L = 2^252 + 27742317777372353535851937790883648493, little-endian.</summary>
    private static readonly byte[] Order =
    [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];

    private static readonly sbyte[] OrderNaf = Naf(Order, Width);

    /// <summary>
    /// [L]P = O: no component of small order (edwards25519 is cyclic of order 8L, so this is membership in
    /// the prime-order subgroup). One chain of 252 doublings and about 22 additions: the definition, kept as the
    /// tests' oracle for the faster halving test that decoding uses (<see cref="IsPrimeOrderNonIdentityAffine"/>).
    /// </summary>
    public bool IsInPrimeOrderSubgroup => Chain([OrderNaf], [OddMultiples(this, Width)]).IsIdentity;

    /// <summary>[s]P for a public 32-byte little-endian scalar below 2^255.</summary>
    public PublicPoint Multiply(ReadOnlySpan<byte> scalar) => Chain([Naf(scalar, Width)], [OddMultiples(this, Width)]);

    /// <summary>
    /// [k]P for a small public k (an identifier), by left-to-right double-and-add: a table of odd multiples
    /// would cost more than it saves for a 32-bit multiplier.
    /// </summary>
    public PublicPoint MultiplySmall(uint k)
    {
        if (k == 0) return Identity;
        var r = this;
        var cached = ToCached();
        for (var bit = 30 - System.Numerics.BitOperations.LeadingZeroCount(k); bit >= 0; bit--)
        {
            var add = ((k >> bit) & 1) != 0;
            r = Double(r, withT: add || bit == 0);
            if (add) r = Add(r, cached, withT: bit == 0);
        }
        return r;
    }

    /// <summary>[s]B for a public scalar (a proof response, a signature share being checked): never for a secret.</summary>
    public static PublicPoint MultiplyBase(ReadOnlySpan<byte> scalar) => Chain([Naf(scalar, BaseWidth)], [BaseTable.Value]);

    /// <summary>
    /// [b]B + sum of [s_i]P_i (Straus): public scalars below 2^255 and public points. Pass an empty
    /// <paramref name="baseScalar"/> to leave out the B term.
    /// </summary>
    public static PublicPoint MultiScalarMultiply(ReadOnlySpan<byte> baseScalar, IReadOnlyList<byte[]> scalars, IReadOnlyList<PublicPoint> points)
    {
        if (scalars.Count != points.Count) throw new ArgumentException("one scalar per point", nameof(points));
        var withBase = baseScalar.Length > 0;
        var nafs = new sbyte[scalars.Count + (withBase ? 1 : 0)][];
        var tables = new CachedPoint[nafs.Length][];
        for (var i = 0; i < scalars.Count; i++)
        {
            nafs[i] = Naf(scalars[i], Width);
            tables[i] = OddMultiples(points[i], Width);
        }
        if (withBase)
        {
            nafs[^1] = Naf(baseScalar, BaseWidth);
            tables[^1] = BaseTable.Value;
        }
        return Chain(nafs, tables);
    }

    /// <summary>
    /// P, 3P, 5P, ..., (2^(w-1) - 1)P, ready to add, followed by their negatives (so that a negative digit costs
    /// no negation in the chain): |digit| / 2 indexes the first half, |digit| / 2 + half the second.
    /// </summary>
    private static CachedPoint[] OddMultiples(in PublicPoint p, int width)
    {
        var half = 1 << (width - 2);
        var table = new CachedPoint[2 * half];
        table[0] = p.ToCached();
        var twice = Double(p).ToCached();
        var current = p;
        for (var i = 1; i < half; i++)
        {
            current = Add(current, twice);
            table[i] = current.ToCached();
        }
        for (var i = 0; i < half; i++) table[half + i] = table[i].Negate();
        return table;
    }

    /// <summary>The shared doubling chain: from the top non-zero digit down, double, then add each term's digit.</summary>
    private static PublicPoint Chain(sbyte[][] nafs, CachedPoint[][] tables)
    {
        var top = -1;
        foreach (var naf in nafs)
        {
            for (var i = naf.Length - 1; i > top; i--)
            {
                if (naf[i] == 0) continue;
                top = i;
                break;
            }
        }
        var r = Identity;
        for (var i = top; i >= 0; i--)
        {
            var adds = false;
            foreach (var naf in nafs) adds |= naf[i] != 0;
            // T is only read by additions: a doubling followed by another doubling skips it. The last
            // doubling always computes it, since the result is a full point callers may add to.
            if (i != top) r = Double(r, withT: adds || i == 0);
            if (!adds) continue;
            // Likewise the last addition at a position before a doubling skips T.
            var last = nafs.Length - 1;
            while (nafs[last][i] == 0) last--;
            for (var k = 0; k <= last; k++)
            {
                int digit = nafs[k][i];
                var withT = k != last || i == 0;
                if (digit > 0) r = Add(r, tables[k][digit >> 1], withT);
                else if (digit < 0) r = Add(r, tables[k][(tables[k].Length >> 1) + (-digit >> 1)], withT);
            }
        }
        return r;
    }
}
