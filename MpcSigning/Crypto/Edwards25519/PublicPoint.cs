namespace MpcSigning.Crypto.Edwards25519;

/// <summary>
/// A point of edwards25519 (RFC 8032 section 5.1) in extended twisted Edwards coordinates (X : Y : Z : T),
/// x = X/Z, y = Y/Z, xy = T/Z (Hisil, Wong, Carter, Dawson 2008).
/// <para>
/// VARIABLE TIME, PUBLIC VALUES ONLY. Every operation here branches and indexes tables on its inputs, so its
/// timing reveals the scalars and points it handles. Use it for commitments, verifying shares, public keys,
/// binding factors, challenges and Lagrange coefficients; never for a nonce, a share, a key or anything
/// multiplied by one. Secret scalar multiplications stay on libsodium's constant-time functions.
/// </para>
/// </summary>
internal readonly partial struct PublicPoint
{
    public readonly FieldElement X, Y, Z, T;

    public PublicPoint(in FieldElement x, in FieldElement y, in FieldElement z, in FieldElement t)
    {
        X = x; Y = y; Z = z; T = t;
    }

    public static PublicPoint Identity => new(FieldElement.Zero, FieldElement.One, FieldElement.One, FieldElement.Zero);

    /// <summary>d = -121665/121666 (RFC 8032 section 5.1).</summary>
    public static readonly FieldElement D =
        FieldElement.Negate(FieldElement.Mul(new FieldElement(121665, 0, 0, 0, 0), FieldElement.Invert(new FieldElement(121666, 0, 0, 0, 0))));

    public static readonly FieldElement D2 = FieldElement.Add(D, D);

    /// <summary>The base point B: y = 4/5, x even (RFC 8032 section 5.1).</summary>
    public static readonly PublicPoint Base = DecodeBase();

    /// <summary>
    /// RFC 8032 section 5.1.3 decoding, strict: y below p, x recovered from y, and the sign bit set on x = 0
    /// refused. Says nothing about the subgroup: see <see cref="TryDecodeValidated"/> for received points.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> s, out PublicPoint point)
    {
        point = default;
        if (s.Length != 32 || !FieldElement.IsCanonical(s)) return false;
        var y = FieldElement.FromBytes(s);
        var yy = FieldElement.Square(y);
        var u = FieldElement.Sub(yy, FieldElement.One);
        var v = FieldElement.Add(FieldElement.Mul(yy, D), FieldElement.One);
        if (!FieldElement.SqrtRatio(u, v, out var x)) return false;
        var sign = (s[31] >> 7) != 0;
        if (x.IsZero && sign) return false;
        if (x.IsNegative != sign) x = FieldElement.Negate(x);
        point = new PublicPoint(x, y, FieldElement.One, FieldElement.Mul(x, y));
        return true;
    }

    /// <summary>
    /// RFC 9591 section 3.1 DeserializeElement for Ed25519: canonical, on the curve, not the identity and in the
    /// prime-order subgroup. Accepts exactly what libsodium's crypto_core_ed25519_is_valid_point accepts (it
    /// refuses every point of small order, the identity included); the subgroup test is the point-halving one
    /// of PublicPoint.Halving.cs, about four square roots' worth of work.
    /// </summary>
    public static bool TryDecodeValidated(ReadOnlySpan<byte> s, out PublicPoint point) =>
        TryDecode(s, out point) && point.IsPrimeOrderNonIdentityAffine();

    public byte[] Encode()
    {
        var e = new byte[32];
        Encode(e);
        return e;
    }

    /// <summary>RFC 8032 section 5.1.2: y with the sign of x in the top bit.</summary>
    public void Encode(Span<byte> s) => EncodeWithInverse(FieldElement.Invert(Z), s);

    /// <summary>
    /// The encodings of several points with one field inversion instead of one each (Montgomery's trick: invert
    /// the product of the Z coordinates, then peel each 1/Z off it with two multiplications).
    /// </summary>
    public static byte[][] EncodeAll(IReadOnlyList<PublicPoint> points)
    {
        var n = points.Count;
        var encodings = new byte[n][];
        if (n == 0) return encodings;
        var prefix = new FieldElement[n];
        prefix[0] = points[0].Z;
        for (var i = 1; i < n; i++) prefix[i] = FieldElement.Mul(prefix[i - 1], points[i].Z);
        var inverse = FieldElement.Invert(prefix[n - 1]); // 1 / (Z_0 ... Z_(n-1))
        for (var i = n - 1; i >= 0; i--)
        {
            var zInv = i == 0 ? inverse : FieldElement.Mul(inverse, prefix[i - 1]);
            if (i > 0) inverse = FieldElement.Mul(inverse, points[i].Z);
            encodings[i] = new byte[32];
            points[i].EncodeWithInverse(zInv, encodings[i]);
        }
        return encodings;
    }

    private void EncodeWithInverse(in FieldElement zInv, Span<byte> s)
    {
        var x = FieldElement.Mul(X, zInv);
        FieldElement.Mul(Y, zInv).ToBytes(s);
        if (x.IsNegative) s[31] |= 0x80;
    }

    public bool IsIdentity => X.IsZero && FieldElement.Sub(Y, Z).IsZero;

    /// <summary>Projective equality: X1 Z2 = X2 Z1 and Y1 Z2 = Y2 Z1.</summary>
    public bool PointEquals(in PublicPoint q) =>
        FieldElement.Mul(X, q.Z).ValueEquals(FieldElement.Mul(q.X, Z)) && FieldElement.Mul(Y, q.Z).ValueEquals(FieldElement.Mul(q.Y, Z));

    public PublicPoint Negate() => new(FieldElement.Negate(X), Y, Z, FieldElement.Negate(T));

    private static PublicPoint DecodeBase()
    {
        Span<byte> b = stackalloc byte[32];
        b.Fill(0x66);
        b[0] = 0x58;
        return TryDecode(b, out var p) ? p : throw new InvalidOperationException("the Ed25519 base point does not decode");
    }
}
