using MpcSigning.Crypto.Edwards25519;
using MpcSigning.Proto.Frost;

namespace MpcSigning.Signing.Frost;

/// <summary>
/// One decoded entry of a commitment list: (identifier, D, E) as received and as validated points for the
/// variable-time arithmetic (they are public).
/// </summary>
internal sealed record Commitment(uint Identifier, byte[] Hiding, byte[] Binding, PublicPoint HidingPoint, PublicPoint BindingPoint);

/// <summary>RFC 9591 section 4.3, list operations over the signing package's commitment list.</summary>
internal static class CommitmentList
{
    /// <summary>
    /// Decodes and validates a commitment list: non-zero identifiers, strictly ascending (so sorted and free of
    /// duplicates, which section 4.3's encoding and section 4.2's Lagrange coefficients both need), and every
    /// point a valid prime-order non-identity element (section 3.1 DeserializeElement, checked once here).
    /// <paramref name="own"/> is the caller's own round-one output: an entry equal to it byte for byte holds
    /// d*B and e*B as this process computed them with libsodium, so it is decoded without the subgroup check
    /// (the largest cost of a signature); any other entry is checked in full. With <paramref name="validate"/> false
    /// no entry gets the subgroup check (only decoding): for the aggregator's first attempt, see <see cref="FrostAggregator"/>.
    /// </summary>
    public static IReadOnlyList<Commitment> Decode(IReadOnlyList<SigningCommitments> list, SigningCommitments? own = null, bool validate = true)
    {
        var result = new List<Commitment>(list.Count);
        uint previous = 0;
        foreach (var c in list)
        {
            CheckOrder(c.Identifier, previous);
            var trusted = !validate || (own is not null && own.Equals(c));
            var hiding = Group.DecodeElement(c.Hiding, $"signing package: hiding commitment of {c.Identifier}", c.Identifier, trusted);
            var binding = Group.DecodeElement(c.Binding, BindingWhat(c.Identifier), c.Identifier, trusted);
            result.Add(new Commitment(c.Identifier, c.Hiding.ToByteArray(), c.Binding.ToByteArray(), hiding, binding));
            previous = c.Identifier;
        }
        return result;
    }

    /// <summary>
    /// The list's identifiers, with the same checks as <see cref="Decode"/> makes on them (non-zero, strictly
    /// ascending) and no point decoded: for the aggregator's attempt with the signers' group commitment.
    /// </summary>
    public static uint[] Identifiers(IReadOnlyList<SigningCommitments> list)
    {
        var result = new uint[list.Count];
        uint previous = 0;
        for (var i = 0; i < list.Count; i++)
        {
            CheckOrder(list[i].Identifier, previous);
            previous = result[i] = list[i].Identifier;
        }
        return result;
    }

    private static void CheckOrder(uint identifier, uint previous)
    {
        if (identifier == 0)
            throw new FrostException(FrostError.UnknownOrDuplicateIdentifier,
                "signing package: a commitment has identifier 0; identifiers start at 1 (RFC 9591 section 4.1).");
        if (identifier == previous)
            throw new FrostException(FrostError.UnknownOrDuplicateIdentifier,
                $"signing package: identifier {identifier} has two commitments; each signer commits once.", identifier);
        if (identifier < previous)
            throw new FrostException(FrostError.UnsortedCommitments,
                $"signing package: identifier {identifier} follows {previous}; sort commitments by identifier (RFC 9591 section 4.3).");
    }

    public static string BindingWhat(uint identifier) => $"signing package: binding commitment of {identifier}";

    /// <summary>Section 4.3 encode_group_commitment_list: SerializeScalar(id) || D || E for each entry, in order.</summary>
    public static byte[] Encode(IReadOnlyList<Commitment> list)
    {
        var encoded = new byte[list.Count * (Group.ScalarSize + 2 * Group.ElementSize)];
        var offset = 0;
        foreach (var c in list)
        {
            Group.SerializeIdentifier(c.Identifier).CopyTo(encoded, offset);
            c.Hiding.CopyTo(encoded, offset + 32);
            c.Binding.CopyTo(encoded, offset + 64);
            offset += 96;
        }
        return encoded;
    }

    /// <summary>Section 4.3 participants_from_commitment_list.</summary>
    public static uint[] Participants(IReadOnlyList<Commitment> list) => list.Select(c => c.Identifier).ToArray();
}
