using MpcSigning.Crypto;
using MpcSigning.Proto.Frost;

namespace MpcSigning.Signing.Frost;

/// <summary>RFC 9591 section 5.3, signature share aggregation, with section 5.4's culprit identification.</summary>
public static class FrostAggregator
{
    /// <summary>The same as the <see cref="FrostPublicKeys"/> overload, checking the public key package first.</summary>
    public static byte[] Aggregate(SigningPackage package, IReadOnlyList<SignatureShare> shares, PublicKeyPackage publicKeys)
    {
        ArgumentNullException.ThrowIfNull(publicKeys);
        return Aggregate(package, shares, FrostPublicKeys.Validate(publicKeys));
    }

    /// <summary>
    /// aggregate(commitment_list, msg, group_public_key, sig_shares): R || sum of z_i, checked as a plain RFC 8032
    /// signature (libsodium) under the group key, which <paramref name="publicKeys"/> validated once. Needs exactly
    /// one share from each signer in the package.
    /// <para>
    /// Every attempt before the last is a shortcut whose only output is a signature that verifies under a valid group
    /// key, and such a signature is valid whatever went into it: libsodium accepts it only when its R equals
    /// [z]B - [c]PK byte for byte, a prime-order element, with c bound to that R, the key and the message. First, when
    /// every share carries the same group commitment R (each signer computed it in round two), R || sum is tried
    /// without computing R here. Then R is computed from the commitments decoded without their subgroup checks (every
    /// honest signer checked every commitment in full before answering, <see cref="FrostParticipant.Sign"/>). Only
    /// when that signature does not verify either is every element checked (an invalid one names its sender) and every
    /// share verified (section 5.4), and the exception names the signers to blame.
    /// </para>
    /// </summary>
    public static byte[] Aggregate(SigningPackage package, IReadOnlyList<SignatureShare> shares, FrostPublicKeys publicKeys)
    {
        ArgumentNullException.ThrowIfNull(package);
        ArgumentNullException.ThrowIfNull(shares);
        ArgumentNullException.ThrowIfNull(publicKeys);
        var keys = publicKeys.Keys;
        var message = package.Message.Span;
        var identifiers = CommitmentList.Identifiers(package.Commitments);
        SigningSet.Check(identifiers, keys);
        var z = ShareSet(identifiers, shares);
        var sum = new byte[Group.ScalarSize];
        foreach (var share in z) Interop.Sodium.ScalarAdd(sum, sum, share);

        if (AgreedGroupCommitment(shares) is { } agreed)
        {
            byte[] signature = [.. agreed, .. sum];
            if (Ed25519.Verify(keys.GroupPublicKey, message, signature)) return signature;
        }

        var list = CommitmentList.Decode(package.Commitments, validate: false);
        if (TryCreateContext(keys.GroupPublicKey, list, message) is { } first)
        {
            byte[] signature = [.. first.R, .. sum];
            if (Ed25519.Verify(keys.GroupPublicKey, message, signature)) return signature;
        }

        list = CommitmentList.Decode(package.Commitments);
        var context = SigningContext.Create(keys.GroupPublicKey, list, message);
        var culprits = new List<uint>();
        for (var i = 0; i < list.Count; i++)
        {
            var id = list[i].Identifier;
            if (!ShareVerification.Verify(id, keys.VerifyingShare(id), z[i], context)) culprits.Add(id);
        }
        if (culprits.Count > 0)
            throw new FrostException(FrostError.InvalidSignatureShare,
                $"aggregation: the signature shares of {string.Join(", ", culprits)} do not verify (RFC 9591 section 5.4); exclude them and sign again.",
                [.. culprits]);
        throw new FrostException(FrostError.InvalidSignature,
            "aggregation: every share verifies but the signature does not; the public key package does not match the signers' keys.");
    }

    /// <summary>The group commitment every share carries, or null when one carries none, a wrong length or another.</summary>
    private static byte[]? AgreedGroupCommitment(IReadOnlyList<SignatureShare> shares)
    {
        var r = shares[0].GroupCommitment;
        if (r.Length != Group.ElementSize) return null;
        for (var i = 1; i < shares.Count; i++)
            if (!shares[i].GroupCommitment.Equals(r)) return null;
        return r.ToByteArray();
    }

    /// <summary>The signing context, or null when the commitments sum to the identity (the checked path explains why).</summary>
    private static SigningContext? TryCreateContext(byte[] groupPublicKey, IReadOnlyList<Commitment> list, ReadOnlySpan<byte> message)
    {
        try
        {
            return SigningContext.Create(groupPublicKey, list, message);
        }
        catch (FrostException e) when (e.Error == FrostError.InvalidElement)
        {
            return null;
        }
    }

    /// <summary>The shares in commitment-list order: one per signer, each a canonical scalar.</summary>
    private static byte[][] ShareSet(uint[] identifiers, IReadOnlyList<SignatureShare> shares)
    {
        var byId = new Dictionary<uint, SignatureShare>();
        foreach (var s in shares)
        {
            if (Array.IndexOf(identifiers, s.Identifier) < 0 || !byId.TryAdd(s.Identifier, s))
                throw new FrostException(FrostError.UnknownOrDuplicateIdentifier,
                    $"aggregation: a share from {s.Identifier} is unexpected or repeated; send one share per signer in the package.", s.Identifier);
        }
        var missing = identifiers.Where(id => !byId.ContainsKey(id)).ToArray();
        if (missing.Length > 0)
            throw new FrostException(FrostError.TooFewSigners,
                $"aggregation: no signature share from {string.Join(", ", missing)}; every signer in the package must answer.", missing);
        return identifiers.Select(id => Group.DeserializeScalar(byId[id].Share, $"signature share of {id}", id)).ToArray();
    }
}

/// <summary>Checks on the signing set that both signers and the aggregator make.</summary>
internal static class SigningSet
{
    public static void Check(IReadOnlyList<uint> identifiers, PublicKeys keys)
    {
        if (identifiers.Count < keys.MinSigners)
            throw new FrostException(FrostError.TooFewSigners,
                $"signing package: {identifiers.Count} signers, but the threshold is {keys.MinSigners}; collect more commitments.");
        foreach (var id in identifiers)
        {
            if (!keys.VerifyingShares.ContainsKey(id))
                throw new FrostException(FrostError.UnknownOrDuplicateIdentifier,
                    $"signing package: identifier {id} did not take part in key generation.", id);
        }
    }
}
