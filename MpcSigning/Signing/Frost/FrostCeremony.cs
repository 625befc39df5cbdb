using Google.Protobuf;
using MpcSigning.Proto.Frost;

namespace MpcSigning.Signing.Frost;

/// <summary>The outcome of one in-process ceremony: the signature, the public keys and the bundle evidence.</summary>
public sealed record FrostCeremonyResult(byte[] Signature, PublicKeyPackage PublicKeys, ThresholdEvidence Evidence);

/// <summary>
/// The per-session flow in one process, built only from the participant API, exactly as the signer actors
/// will drive it: n participants run DKG parts 1-3 (each round-2 package handed only to its recipient),
/// the chosen t or more Commit, the coordinator builds the signing package, they Sign, the coordinator
/// aggregates. Every participant is disposed (share and nonces wiped) whatever the outcome.
/// </summary>
public static class FrostCeremony
{
    public static FrostCeremonyResult Run(int t, int n, ReadOnlySpan<byte> message, IReadOnlyList<uint> signerIds) =>
        Run(t, Enumerable.Range(1, n).Select(i => (uint)i).ToArray(), message.ToArray(), signerIds);

    /// <summary>The same with explicit participant identifiers (any distinct non-zero values).</summary>
    public static FrostCeremonyResult Run(int t, IReadOnlyList<uint> participantIds, byte[] message, IReadOnlyList<uint> signerIds)
    {
        var n = participantIds.Count;
        var participants = new Dictionary<uint, FrostParticipant>();
        try
        {
            foreach (var id in participantIds) participants.Add(id, new FrostParticipant(id, t, n));
            var keys = RunDkg(participants);

            var signers = signerIds.Select(id => participants.TryGetValue(id, out var p) ? p
                : throw new FrostException(FrostError.UnknownOrDuplicateIdentifier, $"signer {id} is not a participant.", id)).ToArray();
            var package = new SigningPackage { Message = ByteString.CopyFrom(message) };
            package.Commitments.AddRange(signers.Select(s => s.Commit()).OrderBy(c => c.Identifier));
            var shares = signers.Select(s => s.Sign(package)).ToArray();
            var signature = FrostAggregator.Aggregate(package, shares, keys);
            return new FrostCeremonyResult(signature, keys, ThresholdEvidenceJson.FromPublicKeys(keys, signerIds));
        }
        finally
        {
            foreach (var p in participants.Values) p.Dispose();
        }
    }

    /// <summary>DKG with every participant; round-2 packages go to their recipient only. Returns the shared public keys.</summary>
    private static PublicKeyPackage RunDkg(Dictionary<uint, FrostParticipant> participants)
    {
        var round1 = participants.Values.Select(p => p.DkgPart1()).ToArray();
        var inbox = participants.Keys.ToDictionary(id => id, _ => new List<Round2Package>());
        foreach (var p in participants.Values)
        {
            foreach (var (recipient, package) in p.DkgPart2(round1.Where(r => r.Sender != p.Identifier).ToArray()))
                inbox[recipient].Add(package);
        }
        PublicKeyPackage? keys = null;
        foreach (var p in participants.Values)
        {
            var mine = p.DkgPart3(round1.Where(r => r.Sender != p.Identifier).ToArray(), inbox[p.Identifier]);
            if (keys is not null && !keys.Equals(mine))
                throw new FrostException(FrostError.InvalidSecretShare, $"participant {p.Identifier} derived different public keys; restart the DKG.", p.Identifier);
            keys = mine;
        }
        return keys!;
    }
}
