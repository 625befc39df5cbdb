namespace MpcSigning.Crypto.Edwards25519;

/// <summary>Exponentiations by fixed exponents (the addition chains of ref10, used by every Ed25519 implementation).</summary>
internal readonly partial struct FieldElement
{
    /// <summary>sqrt(-1) = 2^((p-1)/4) mod p, the constant of RFC 8032 section 5.1.3 step 3.</summary>
    public static readonly FieldElement SqrtMinusOne = Mul(Square(Pow22523(new FieldElement(2, 0, 0, 0, 0))), new FieldElement(2, 0, 0, 0, 0));

    /// <summary>z^(2^250 - 1) and z^11, the common prefix of both chains.</summary>
    private static (FieldElement Z250, FieldElement Z11) Pow250(in FieldElement z)
    {
        var z2 = Square(z);
        var z9 = Mul(SquareTimes(z2, 2), z);
        var z11 = Mul(z9, z2);
        var z5 = Mul(Square(z11), z9);                // 2^5 - 1
        var z10 = Mul(SquareTimes(z5, 5), z5);        // 2^10 - 1
        var z20 = Mul(SquareTimes(z10, 10), z10);     // 2^20 - 1
        var z40 = Mul(SquareTimes(z20, 20), z20);     // 2^40 - 1
        var z50 = Mul(SquareTimes(z40, 10), z10);     // 2^50 - 1
        var z100 = Mul(SquareTimes(z50, 50), z50);    // 2^100 - 1
        var z200 = Mul(SquareTimes(z100, 100), z100); // 2^200 - 1
        var z250 = Mul(SquareTimes(z200, 50), z50);   // 2^250 - 1
        return (z250, z11);
    }

    /// <summary>z^(p-2) = 1/z (Fermat); zero maps to zero.</summary>
    public static FieldElement Invert(in FieldElement z)
    {
        var (z250, z11) = Pow250(z);
        return Mul(SquareTimes(z250, 5), z11);        // 2^255 - 21
    }

    /// <summary>z^((p-5)/8) = z^(2^252 - 3), the exponent of RFC 8032's square root.</summary>
    public static FieldElement Pow22523(in FieldElement z)
    {
        var (z250, _) = Pow250(z);
        return Mul(SquareTimes(z250, 2), z);
    }

    /// <summary>z^((p-1)/4) = z^(2^253 - 5): 1 exactly for non-zero fourth powers (the quartic character).</summary>
    public static FieldElement PowPMinusOneOver4(in FieldElement z)
    {
        var (z250, _) = Pow250(z);
        return Mul(SquareTimes(z250, 3), Mul(Square(z), z));
    }

    /// <summary>
    /// RFC 8032 section 5.1.3 step 2-3: a square root x of u/v, or false when there is none.
    /// Candidate x = u v^3 (u v^7)^((p-5)/8); if v x^2 = -u the root is x * sqrt(-1). Variable time.
    /// </summary>
    public static bool SqrtRatio(in FieldElement u, in FieldElement v, out FieldElement x)
    {
        var v3 = Mul(Square(v), v);
        var v7 = Mul(Square(v3), v);
        x = Mul(Mul(u, v3), Pow22523(Mul(u, v7)));
        var vxx = Mul(v, Square(x));
        if (vxx.ValueEquals(u)) return true;
        if (vxx.ValueEquals(Negate(u)))
        {
            x = Mul(x, SqrtMinusOne);
            return true;
        }
        return false;
    }
}
