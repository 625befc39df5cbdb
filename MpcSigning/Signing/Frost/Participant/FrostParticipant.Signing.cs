using MpcSigning.Proto.Frost;

namespace MpcSigning.Signing.Frost;

public sealed partial class FrostParticipant
{
    /// <summary>
    /// Round one (RFC 9591 section 5.1): fresh hiding and binding nonces, kept inside, and their commitments.
    /// A new Commit discards unused nonces from an earlier one.
    /// </summary>
    public SigningCommitments Commit() => CommitCore(null, null);

    /// <summary>Round one with given nonce randomness, for the published vectors only.</summary>
    internal SigningCommitments CommitCore(byte[]? hidingRandom, byte[]? bindingRandom)
    {
        Expect(State.Ready, "Commit");
        _nonces?.Dispose();
        _nonces = null;
        _nonces = SigningNonces.Commit(Identifier, _signingShare!, hidingRandom, bindingRandom);
        return _nonces.Commitments;
    }

    /// <summary>
    /// Round two (RFC 9591 section 5.2). Consumes the nonces of the last Commit before anything else, so they
    /// are gone even if the package is refused: a second Sign, or a Sign without Commit, fails with WrongState.
    /// Refuses a package with fewer than t signers, unknown signers, or without this signer's own commitments.
    /// The share carries the group commitment R this signer computed, which the aggregator may use instead of
    /// computing it again (see <see cref="FrostAggregator"/>).
    /// </summary>
    public SignatureShare Sign(SigningPackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        Expect(State.Ready, "Sign");
        var nonces = _nonces ?? throw new FrostException(FrostError.WrongState,
            $"participant {Identifier}: no unused nonces; every signature share needs its own Commit (nonces are single-use).");
        _nonces = null;
        using (nonces)
        using (var secret = nonces.Take())
        {
            var list = CommitmentList.Decode(package.Commitments, nonces.Commitments);
            SigningSet.Check(CommitmentList.Participants(list), _keys!);
            var own = list.FirstOrDefault(c => c.Identifier == Identifier);
            if (own is null || !nonces.Matches(own))
                throw new FrostException(FrostError.OwnCommitmentMismatch,
                    $"participant {Identifier}: the signing package does not carry this signer's commitments from its last Commit; refusing to sign.");
            var context = SigningContext.Create(_keys!.GroupPublicKey, list, package.Message.Span);
            var z = RoundTwoSignatureShare.Sign(Identifier, _signingShare!, secret, context);
            return new SignatureShare
            {
                Identifier = Identifier,
                Share = Google.Protobuf.ByteString.CopyFrom(z),
                GroupCommitment = Google.Protobuf.ByteString.CopyFrom(context.R),
            };
        }
    }
}
