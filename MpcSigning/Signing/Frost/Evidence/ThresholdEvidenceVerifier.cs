using MpcSigning.Proto.Frost;

namespace MpcSigning.Signing.Frost;

/// <summary>The outcome of a check: valid, or the error and what exactly was wrong.</summary>
public sealed record FrostVerdict(bool IsValid, FrostError? Error, string Message)
{
    public static readonly FrostVerdict Valid = new(true, null, "valid");
}

/// <summary>
/// Checks a bundle's threshold evidence. Pure: no I/O, clock or configuration; never throws for bad evidence.
/// </summary>
public static class ThresholdEvidenceVerifier
{
    /// <summary>
    /// Valid when: the ciphersuite is FROST-ED25519-SHA512-v1; 2 &lt;= t &lt;= n; there are n verifying shares
    /// with non-zero identifiers, each a valid prime-order point; all n lie on one polynomial of degree t-1 in
    /// the exponent (the first t, by identifier, interpolate every other one), so any t of them interpolate
    /// (Lagrange in the exponent, RFC 9591 section 4.2) to the group key; that group key equals
    /// <paramref name="expectedPublicKey"/> (the certificate's Ed25519 key); and the signers are at least t
    /// distinct identifiers among those shares.
    /// </summary>
    public static FrostVerdict Verify(ThresholdEvidence evidence, ReadOnlySpan<byte> expectedPublicKey)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        try
        {
            if (evidence.Ciphersuite != FrostSuite.Ciphersuite)
                return Fail($"ciphersuite is \"{evidence.Ciphersuite}\", expected \"{FrostSuite.Ciphersuite}\"");
            var keys = PublicKeys.Decode(new PublicKeyPackage
            {
                MinSigners = evidence.T, MaxSigners = evidence.N, GroupPublicKey = evidence.GroupPublicKey, VerifyingShares = { evidence.VerifyingShares },
            });
            if (!keys.GroupPublicKey.AsSpan().SequenceEqual(expectedPublicKey))
                return Fail("the group public key is not the certificate's public key");
            if (evidence.Signers.Count < evidence.T || evidence.Signers.Distinct().Count() != evidence.Signers.Count)
                return Fail($"signers must be at least t = {evidence.T} distinct identifiers, got [{string.Join(", ", evidence.Signers)}]");
            var unknown = evidence.Signers.Where(s => !keys.VerifyingShares.ContainsKey(s)).ToArray();
            if (unknown.Length > 0) return Fail($"signers {string.Join(", ", unknown)} have no verifying share");

            var ids = keys.VerifyingShares.Keys.Order().ToArray();
            var basis = ids.Take((int)evidence.T).ToArray();
            if (!Interpolate(basis, keys.VerifyingShares, 0).AsSpan().SequenceEqual(keys.GroupPublicKey))
                return Fail($"verifying shares {string.Join(", ", basis)} do not interpolate to the group public key");
            foreach (var j in ids.Skip((int)evidence.T))
            {
                if (!Interpolate(basis, keys.VerifyingShares, j).AsSpan().SequenceEqual(keys.VerifyingShares[j]))
                    return Fail($"verifying share {j} is not on the polynomial of shares {string.Join(", ", basis)}; the shares are not from one {evidence.T}-of-{evidence.N} key");
            }
            return FrostVerdict.Valid;
        }
        catch (FrostException e)
        {
            return new FrostVerdict(false, e.Error, e.Message);
        }
    }

    /// <summary>The sum over i in the basis of lambda_i(x) * Y_i: the degree t-1 polynomial's value at x, in the exponent.</summary>
    private static byte[] Interpolate(uint[] basis, IReadOnlyDictionary<uint, byte[]> points, uint x)
    {
        var acc = Group.Identity();
        foreach (var i in basis)
            acc = Group.Add(acc, Group.ScalarMult(Polynomial.LagrangeCoefficient(basis, i, x), points[i], "Lagrange coefficient times verifying share"));
        return acc;
    }

    private static FrostVerdict Fail(string detail) => new(false, FrostError.InvalidEvidence, $"frost evidence: {detail}.");
}
