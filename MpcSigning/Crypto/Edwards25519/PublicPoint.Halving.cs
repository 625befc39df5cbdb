namespace MpcSigning.Crypto.Edwards25519;

/// <summary>
/// Prime-order subgroup membership without a multiplication by L, after Pornin, "Point-halving and subgroup
/// membership in twisted Edwards curves" (eprint 2022/1164). edwards25519 is cyclic of order 8L, so a point is in
/// the subgroup of order L exactly when it is 8 times some point. The method maps P = (x, y) to the curve
/// u*w^2 = u^2 + A0*u + B0 (u = (a-d)(1+y)/(1-y), w = 2/x, A0 = 2(a+d), B0 = (a-d)^2, a = -1), on which doubling
/// is the composition of two 2-isogenies and an isomorphism, so that halving costs two square roots.
/// <para>
/// Pornin halves twice and then tests the third halving with a Legendre symbol. Here the test after ONE halving
/// is a quartic character instead: on that curve the function g = u*(w - 2i)^2 (i = sqrt(-1)) is, up to a fourth
/// power, the Miller function of the reduced Tate pairing with a point of order 4, so g^((p-1)/4) = 1 exactly on
/// 4E (4 divides p - 1, and E/4E and E[4] are both cyclic of order 4). A half Q of P is in 4E exactly when P is in
/// 8E. Total: the decoding square root, two square roots for the halving and one exponentiation, against about
/// 2,200 field multiplications for [L]P. <see cref="IsInPrimeOrderSubgroup"/> ([L]P = O) stays as the test oracle.
/// </para>
/// VARIABLE TIME: for received public points only.
/// </summary>
internal readonly partial struct PublicPoint
{
    /// <summary>
    /// For a point as <see cref="TryDecode"/> returns it (Z = 1): true when it is in the prime-order subgroup and
    /// is not the identity, which is exactly libsodium's crypto_core_ed25519_is_valid_point on a decoded point.
    /// </summary>
    internal bool IsPrimeOrderNonIdentityAffine()
    {
        if (!FieldElement.Sub(Z, FieldElement.One).IsZero)
            throw new InvalidOperationException("the halving test takes an affine point (Z = 1), as decoding returns it");
        var x = X;
        var y = Y;
        // Every point of order dividing 8 (the identity included) has x = 0, y = 0 or x = +-i*y (Pornin, crrl
        // has_low_order). None of them is a valid element, and they are the exceptional cases of the maps below.
        var iy = FieldElement.Mul(y, FieldElement.SqrtMinusOne);
        if (x.IsZero || y.IsZero || x.ValueEquals(iy) || x.ValueEquals(FieldElement.Negate(iy))) return false;

        // To the (u, w) curve, scaled by e = x(1 - y) to avoid divisions: the isomorphism (u, w) -> (u e^2, w e)
        // maps onto u w^2 = u^2 + A0 e^2 u + B0 e^4, so each curve constant below carries its power of e.
        var oneMinusY = FieldElement.Sub(FieldElement.One, y);
        var e = FieldElement.Mul(x, oneMinusY);
        var u = FieldElement.Mul(FieldElement.Mul(Halving.AMinusD, FieldElement.Add(FieldElement.One, y)), FieldElement.Mul(x, e));
        var w = FieldElement.Mul(oneMinusY, Halving.Two);

        // Undo the isomorphism: (4u, 2w) on the curve of constants 4 A0 and 16 B0.
        var us = FieldElement.Mul(u, Halving.Four);
        var ws = FieldElement.Add(w, w);
        // Undo the second isogeny: wp^2 = us, which has a solution exactly when P is a double (P in 2E).
        if (!SquareRoot(us, out var wp)) return false;
        var ee = FieldElement.Square(e);
        var up = FieldElement.Mul(FieldElement.Sub(FieldElement.Sub(us, FieldElement.Mul(Halving.Ap0, ee)), FieldElement.Mul(wp, ws)), Halving.Half);

        // Undo the first isogeny: w^2 = up. Of the two preimages (up, wp) and (Bp/up, -wp), exactly one has a
        // square u (Bp is not a square). If up is not, 2up is (2 is not a square): rescale by tau = sqrt(2 up),
        // after which the other preimage's w is sqrt(2 Bp0) e^2 (Pornin's rescaling, one root for both cases).
        var r = FieldElement.Mul(up, FieldElement.Pow22523(up));
        var rr = FieldElement.Square(r);
        if (rr.ValueEquals(up) || rr.ValueEquals(FieldElement.Negate(up)))
        {
            w = rr.ValueEquals(up) ? r : FieldElement.Mul(r, FieldElement.SqrtMinusOne);
            u = FieldElement.Mul(FieldElement.Sub(FieldElement.Sub(up, FieldElement.Mul(Halving.A0, ee)), FieldElement.Mul(w, wp)), Halving.Half);
        }
        else
        {
            // rr = +-i up: tau = r sqrt(-+2i), so that tau^2 = 2 up.
            var iup = FieldElement.Mul(up, FieldElement.SqrtMinusOne);
            var tau = FieldElement.Mul(r, rr.ValueEquals(iup) ? Halving.SqrtMinusTwoI : Halving.SqrtTwoI);
            w = FieldElement.Mul(Halving.SqrtTwoBp0, ee);
            wp = FieldElement.Mul(wp, tau);
            e = FieldElement.Mul(e, tau);
            ee = FieldElement.Square(e);
            u = FieldElement.Mul(FieldElement.Sub(FieldElement.Sub(FieldElement.Square(w), FieldElement.Mul(Halving.A0, ee)), FieldElement.Mul(w, wp)), Halving.Half);
            w = FieldElement.Negate(w);
        }

        // Q = (u, w) (scale e) is a half of P. P in 8E iff Q in 4E iff g^((p-1)/4) = 1, g = u (w - 2i e)^2 (the
        // factor e^-4 of the scaling is a fourth power; the constant of the pairing, (a-d)^-((p-1)/2), is 1).
        var m = FieldElement.Sub(w, FieldElement.Mul(Halving.TwoI, e));
        var g = FieldElement.Mul(u, FieldElement.Square(m));
        return FieldElement.PowPMinusOneOver4(g).ValueEquals(FieldElement.One);
    }

    /// <summary>A square root of z (either one), or false when z is not a square. Variable time.</summary>
    private static bool SquareRoot(in FieldElement z, out FieldElement root) => FieldElement.SqrtRatio(z, FieldElement.One, out root);

    /// <summary>The constants of the halving, in a class of their own so that they are built after <see cref="D"/>.</summary>
    private static class Halving
    {
        public static readonly FieldElement Two = new(2, 0, 0, 0, 0);
        public static readonly FieldElement Four = new(4, 0, 0, 0, 0);
        public static readonly FieldElement Half = FieldElement.Invert(Two);

        /// <summary>a - d with a = -1.</summary>
        public static readonly FieldElement AMinusD = FieldElement.Sub(FieldElement.Negate(FieldElement.One), D);

        /// <summary>A0 = 2(a + d).</summary>
        public static readonly FieldElement A0 = FieldElement.Mul(Two, FieldElement.Sub(D, FieldElement.One));

        /// <summary>Ap0 = -2 A0, the constant of the intermediate curve.</summary>
        public static readonly FieldElement Ap0 = FieldElement.Negate(FieldElement.Mul(Two, A0));

        /// <summary>sqrt(2 Bp0), Bp0 = A0^2 - 4 B0, B0 = (a - d)^2; Bp0 and 2 are non-squares, so 2 Bp0 is a square.</summary>
        public static readonly FieldElement SqrtTwoBp0 = Root(FieldElement.Mul(Two,
            FieldElement.Sub(FieldElement.Square(A0), FieldElement.Mul(Four, FieldElement.Square(AMinusD)))));

        public static readonly FieldElement TwoI = FieldElement.Mul(Two, FieldElement.SqrtMinusOne);

        /// <summary>sqrt(2i) and sqrt(-2i): both are squares modulo 2^255 - 19.</summary>
        public static readonly FieldElement SqrtTwoI = Root(TwoI);
        public static readonly FieldElement SqrtMinusTwoI = Root(FieldElement.Negate(TwoI));

        private static FieldElement Root(in FieldElement z) =>
            SquareRoot(z, out var root) ? root : throw new InvalidOperationException("a constant of the subgroup test is not a square");
    }
}
