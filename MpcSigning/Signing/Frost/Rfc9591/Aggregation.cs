using MpcSigning.Crypto;
using MpcSigning.Proto.Frost;

namespace MpcSigning.Signing.Frost;

/// <summary>RFC 9591 section 5.3, signature share aggregation, with section 5.4's culprit identification.</summary>
public static class FrostAggregator
{
    /// <summary>
    /// aggregate(commitment_list, msg, group_public_key, sig_shares): R || sum of z_i. The result is checked as a
    /// plain RFC 8032 signature (libsodium); only when that fails is every share verified, and the exception
    /// names the signers whose shares are wrong. Needs exactly one share from each signer in the package.
    /// </summary>
    public static byte[] Aggregate(SigningPackage package, IReadOnlyList<SignatureShare> shares, PublicKeyPackage publicKeys)
    {
        ArgumentNullException.ThrowIfNull(package);
        ArgumentNullException.ThrowIfNull(shares);
        ArgumentNullException.ThrowIfNull(publicKeys);
        var keys = PublicKeys.Decode(publicKeys, validateShares: false);
        var list = CommitmentList.Decode(package.Commitments);
        SigningSet.Check(list, keys);
        var z = ShareSet(list, shares);
        var message = package.Message.Span;
        var context = SigningContext.Create(keys.GroupPublicKey, list, message);

        var sum = new byte[Group.ScalarSize];
        foreach (var share in z) sum = ScalarMath.Add(sum, share);
        byte[] signature = [.. context.R, .. sum];
        if (Ed25519.Verify(keys.GroupPublicKey, message, signature)) return signature;

        var culprits = list.Where((c, i) => !ShareVerification.Verify(c.Identifier, keys.VerifyingShare(c.Identifier), z[i], context))
            .Select(c => c.Identifier).ToArray();
        if (culprits.Length > 0)
            throw new FrostException(FrostError.InvalidSignatureShare,
                $"aggregation: the signature shares of {string.Join(", ", culprits)} do not verify (RFC 9591 section 5.4); exclude them and sign again.",
                culprits);
        throw new FrostException(FrostError.InvalidSignature,
            "aggregation: every share verifies but the signature does not; the public key package does not match the signers' keys.");
    }

    /// <summary>The shares in commitment-list order: one per signer, each a canonical scalar.</summary>
    private static byte[][] ShareSet(IReadOnlyList<Commitment> list, IReadOnlyList<SignatureShare> shares)
    {
        var byId = new Dictionary<uint, SignatureShare>();
        foreach (var s in shares)
        {
            if (list.All(c => c.Identifier != s.Identifier) || !byId.TryAdd(s.Identifier, s))
                throw new FrostException(FrostError.UnknownOrDuplicateIdentifier,
                    $"aggregation: a share from {s.Identifier} is unexpected or repeated; send one share per signer in the package.", s.Identifier);
        }
        var missing = list.Where(c => !byId.ContainsKey(c.Identifier)).Select(c => c.Identifier).ToArray();
        if (missing.Length > 0)
            throw new FrostException(FrostError.TooFewSigners,
                $"aggregation: no signature share from {string.Join(", ", missing)}; every signer in the package must answer.", missing);
        return list.Select(c => Group.DeserializeScalar(byId[c.Identifier].Share, $"signature share of {c.Identifier}", c.Identifier)).ToArray();
    }
}

/// <summary>Checks on the signing set that both signers and the aggregator make.</summary>
internal static class SigningSet
{
    public static void Check(IReadOnlyList<Commitment> list, PublicKeys keys)
    {
        if (list.Count < keys.MinSigners)
            throw new FrostException(FrostError.TooFewSigners,
                $"signing package: {list.Count} signers, but the threshold is {keys.MinSigners}; collect more commitments.");
        foreach (var c in list)
        {
            if (!keys.VerifyingShares.ContainsKey(c.Identifier))
                throw new FrostException(FrostError.UnknownOrDuplicateIdentifier,
                    $"signing package: identifier {c.Identifier} did not take part in key generation.", c.Identifier);
        }
    }
}
