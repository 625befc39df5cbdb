namespace MpcSigning.Crypto.Edwards25519;

/// <summary>
/// A point prepared as an addend: (Y+X, Y-X, 2Z, 2dT), so that an addition costs 8 multiplications
/// (Hisil et al. 2008 section 3.1, "add-2008-hwcd-3" for a = -1).
/// </summary>
internal readonly struct CachedPoint
{
    public readonly FieldElement YPlusX, YMinusX, Z2, T2d;

    public CachedPoint(in FieldElement yPlusX, in FieldElement yMinusX, in FieldElement z2, in FieldElement t2d)
    {
        YPlusX = yPlusX; YMinusX = yMinusX; Z2 = z2; T2d = t2d;
    }

    /// <summary>-P: x and t change sign, so Y+X and Y-X swap.</summary>
    public CachedPoint Negate() => new(YMinusX, YPlusX, Z2, FieldElement.Negate(T2d));
}

internal readonly partial struct PublicPoint
{
    public CachedPoint ToCached() =>
        new(FieldElement.Add(Y, X), FieldElement.Sub(Y, X), FieldElement.Add(Z, Z), FieldElement.Mul(T, D2));

    /// <summary>
    /// P + Q: A = (Y1-X1)(Y2-X2), B = (Y1+X1)(Y2+X2), C = T1 2d T2, D = Z1 2Z2, E = B-A, F = D-C, G = D+C,
    /// H = B+A; X3 = EF, Y3 = GH, T3 = EH, Z3 = FG. Complete on edwards25519 (d is not a square).
    /// An addition followed by a doubling may skip T3 (<paramref name="withT"/> false): doubling does not read it.
    /// </summary>
    public static PublicPoint Add(in PublicPoint p, in CachedPoint q, bool withT = true)
    {
        // The coordinates of a point and the products a to d are all reduced results, and Y-X, E and F are only
        // multiplied: they need no carry (FieldElement.SubForMul).
        var a = FieldElement.Mul(FieldElement.SubForMul(p.Y, p.X), q.YMinusX);
        var b = FieldElement.Mul(FieldElement.Add(p.Y, p.X), q.YPlusX);
        var c = FieldElement.Mul(p.T, q.T2d);
        var d = FieldElement.Mul(p.Z, q.Z2);
        var e = FieldElement.SubForMul(b, a);
        var f = FieldElement.SubForMul(d, c);
        var g = FieldElement.Add(d, c);
        var h = FieldElement.Add(b, a);
        return new PublicPoint(FieldElement.Mul(e, f), FieldElement.Mul(g, h), FieldElement.Mul(f, g), withT ? FieldElement.Mul(e, h) : default);
    }

    public static PublicPoint Add(in PublicPoint p, in PublicPoint q) => Add(p, q.ToCached());

    public static PublicPoint Sub(in PublicPoint p, in PublicPoint q) => Add(p, q.ToCached().Negate());

    /// <summary>
    /// 2P for a = -1 ("dbl-2008-hwcd"), written with F and H negated, which negates X3, Y3, Z3 and T3 together
    /// and so leaves the projective point unchanged: A = X^2, B = Y^2, C = 2Z^2, H = A+B, E = (X+Y)^2-H,
    /// G = B-A, F = C-G; X3 = EF, Y3 = GH, Z3 = FG, T3 = EH. T is not read by doubling, so a doubling followed
    /// by another doubling skips it (<paramref name="withT"/> false) and saves one multiplication.
    /// </summary>
    public static PublicPoint Double(in PublicPoint p, bool withT = true)
    {
        var a = FieldElement.Square(p.X);
        var b = FieldElement.Square(p.Y);
        var zz = FieldElement.Square(p.Z);
        var c = FieldElement.Add(zz, zz);
        var h = FieldElement.Add(a, b);
        var e = FieldElement.Sub(FieldElement.Square(FieldElement.Add(p.X, p.Y)), h);
        var g = FieldElement.Sub(b, a);
        var f = FieldElement.Sub(c, g);
        return new PublicPoint(FieldElement.Mul(e, f), FieldElement.Mul(g, h), FieldElement.Mul(f, g),
            withT ? FieldElement.Mul(e, h) : default);
    }
}
