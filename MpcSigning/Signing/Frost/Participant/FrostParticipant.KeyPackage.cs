using MpcSigning.Crypto;
using MpcSigning.Crypto.Edwards25519;
using MpcSigning.Interop;
using MpcSigning.Proto.Frost;

namespace MpcSigning.Signing.Frost;

public sealed partial class FrostParticipant
{
    /// <summary>
    /// DKG part 3: checks the secret shares received from every peer against their commitments, sums them
    /// with f_i(i) into this participant's signing share, and derives the group key and every verifying share
    /// from the summed commitments. <paramref name="others"/> must be the same round-1 packages part 2 verified.
    /// </summary>
    public PublicKeyPackage DkgPart3(IReadOnlyList<Round1Package> others, IReadOnlyList<Round2Package> received)
    {
        ArgumentNullException.ThrowIfNull(others);
        ArgumentNullException.ThrowIfNull(received);
        Expect(State.Round2Sent, "DKG part 3");
        CheckPeers(others.Select(p => p.Sender), "DKG round 1");
        foreach (var p in others)
        {
            var known = _peerCommitments![p.Sender].Encoded;
            if (p.Commitment.Count != known.Length || p.Commitment.Where((c, k) => !c.Span.SequenceEqual(known[k])).Any())
                throw new FrostException(FrostError.InvalidProofOfKnowledge,
                    $"participant {Identifier}: the round-1 package of {p.Sender} differs from the one verified in part 2; deliver the same broadcast to everyone.", p.Sender);
        }
        CheckPeers(received.Select(p => p.Sender), "DKG round 2");

        var signingShare = SecretBytes.Allocate(Group.ScalarSize);
        try
        {
            _ownShare!.ReadOnlySpan.CopyTo(signingShare.Span);
            foreach (var p in received)
            {
                CheckReceived(p);
                Sodium.ScalarAdd(signingShare.Span, signingShare.ReadOnlySpan, p.SigningShare.Span);
            }
            var all = _peerCommitments!.Values.Append(_ownCommitments!);
            var sums = KeyGeneration.SumCommitments(all, MinSigners);
            // Every verifying share and the group key, encoded with one field inversion between them.
            var ids = _peerCommitments.Keys.Append(Identifier).Order().ToArray();
            var points = new PublicPoint[ids.Length + 1];
            for (var i = 0; i < ids.Length; i++) points[i] = Polynomial.EvaluateInExponent(sums, ids[i]);
            points[^1] = sums[0];
            var encoded = PublicPoint.EncodeAll(points);
            var shares = new Dictionary<uint, byte[]>(ids.Length);
            for (var i = 0; i < ids.Length; i++) shares.Add(ids[i], encoded[i]);
            var groupKey = encoded[^1];
            var mine = Group.IsZero(signingShare.ReadOnlySpan) ? null : Group.ScalarBaseMult(signingShare.ReadOnlySpan, "signing share");
            if (mine is null || !Group.ElementEquals(mine, shares[Identifier])) throw BlameShares(received);
            // Every phi_j0 passed validation in part 2, so their sum is in the prime-order subgroup; only the
            // identity (a key nobody could use, reachable only by collusion) remains to exclude.
            if (sums[0].IsIdentity)
                throw new FrostException(FrostError.InvalidElement, "DKG: the group public key is the identity; run a new key generation.");

            _keys = new PublicKeys(MinSigners, MaxSigners, groupKey, shares);
            _signingShare = signingShare;
            signingShare = null;
        }
        finally
        {
            signingShare?.Dispose();
            _ownShare!.Dispose();
            _ownShare = null;
        }
        _state = State.Ready;
        return _keys.Encode();
    }

    private void CheckReceived(Round2Package p)
    {
        if (p.Recipient != Identifier)
            throw new FrostException(FrostError.UnknownOrDuplicateIdentifier,
                $"participant {Identifier}: a DKG round-2 package from {p.Sender} is addressed to {p.Recipient}; it was misrouted.", p.Sender);
        // Checked in place (constant time): the share is secret and is not copied out of the message.
        if (p.SigningShare.Length != Group.ScalarSize || !Group.IsCanonicalScalar(p.SigningShare.Span))
            throw new FrostException(FrostError.InvalidScalar,
                $"participant {Identifier}: the DKG share from {p.Sender} is not a 32-byte scalar below L.", p.Sender);
    }

    /// <summary>The summed check failed: find which senders' shares do not match their own commitments.</summary>
    private FrostException BlameShares(IReadOnlyList<Round2Package> received)
    {
        var culprits = received.Where(p => !KeyGeneration.VerifyShare(p.SigningShare.Span, _peerCommitments![p.Sender], Identifier))
            .Select(p => p.Sender).Order().ToArray();
        return new FrostException(FrostError.InvalidSecretShare,
            culprits.Length > 0
                ? $"participant {Identifier}: the DKG shares from {string.Join(", ", culprits)} do not match their commitments; exclude them and restart the DKG."
                : $"participant {Identifier}: the DKG shares do not add up to the committed verifying share; restart the DKG.",
            culprits);
    }
}
