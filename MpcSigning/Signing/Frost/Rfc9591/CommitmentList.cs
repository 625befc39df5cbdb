using MpcSigning.Proto.Frost;

namespace MpcSigning.Signing.Frost;

/// <summary>One decoded entry of a commitment list: (identifier, D, E), points already validated.</summary>
internal sealed record Commitment(uint Identifier, byte[] Hiding, byte[] Binding);

/// <summary>RFC 9591 section 4.3, list operations over the signing package's commitment list.</summary>
internal static class CommitmentList
{
    /// <summary>
    /// Decodes and validates a commitment list: non-zero identifiers, strictly ascending (so sorted and free of
    /// duplicates, which section 4.3's encoding and section 4.2's Lagrange coefficients both need), and every
    /// point a valid prime-order non-identity element. Hiding commitments are validated here; a binding
    /// commitment is validated by the multiplication rho_i * E_i that every use of the list performs first
    /// (<see cref="SigningContext.Create"/>): libsodium's noclamp scalarmult makes exactly is_valid_point's checks
    /// (canonical, on the curve, not of small order, in the prime-order subgroup), and checking twice doubled the cost.
    /// </summary>
    public static IReadOnlyList<Commitment> Decode(IReadOnlyList<SigningCommitments> list)
    {
        var result = new List<Commitment>(list.Count);
        uint previous = 0;
        foreach (var c in list)
        {
            if (c.Identifier == 0)
                throw new FrostException(FrostError.UnknownOrDuplicateIdentifier,
                    "signing package: a commitment has identifier 0; identifiers start at 1 (RFC 9591 section 4.1).");
            if (c.Identifier == previous)
                throw new FrostException(FrostError.UnknownOrDuplicateIdentifier,
                    $"signing package: identifier {c.Identifier} has two commitments; each signer commits once.", c.Identifier);
            if (c.Identifier < previous)
                throw new FrostException(FrostError.UnsortedCommitments,
                    $"signing package: identifier {c.Identifier} follows {previous}; sort commitments by identifier (RFC 9591 section 4.3).");
            var hiding = Group.DeserializeElement(c.Hiding, $"signing package: hiding commitment of {c.Identifier}", c.Identifier);
            if (c.Binding.Length != Group.ElementSize) Group.DeserializeElement(c.Binding, BindingWhat(c.Identifier), c.Identifier);
            var binding = c.Binding.ToByteArray();
            result.Add(new Commitment(c.Identifier, hiding, binding));
            previous = c.Identifier;
        }
        return result;
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
