namespace MpcSigning.Signing.Frost;

/// <summary>RFC 9591 section 4.4, binding factors computation.</summary>
internal static class BindingFactors
{
    /// <summary>
    /// compute_binding_factors: rho_i = H1(group_public_key || H4(msg) || H5(encoded list) || SerializeScalar(i)),
    /// in the list's order. The prefix is hashed once and shared by all signers' inputs.
    /// </summary>
    public static byte[][] Compute(ReadOnlySpan<byte> groupPublicKey, IReadOnlyList<Commitment> list, ReadOnlySpan<byte> message)
    {
        var prefix = new byte[Group.ElementSize + 128];
        groupPublicKey.CopyTo(prefix);
        CiphersuiteHashes.H4(message).CopyTo(prefix, 32);
        CiphersuiteHashes.H5(CommitmentList.Encode(list)).CopyTo(prefix, 96);
        var factors = new byte[list.Count][];
        for (var i = 0; i < list.Count; i++)
            factors[i] = CiphersuiteHashes.H1(prefix, Group.SerializeIdentifier(list[i].Identifier));
        return factors;
    }

    /// <summary>The binding factor input of one signer (section 4.4), exposed for the published vectors.</summary>
    public static byte[] Input(ReadOnlySpan<byte> groupPublicKey, IReadOnlyList<Commitment> list, ReadOnlySpan<byte> message, uint identifier) =>
        [.. groupPublicKey, .. CiphersuiteHashes.H4(message), .. CiphersuiteHashes.H5(CommitmentList.Encode(list)), .. Group.SerializeIdentifier(identifier)];
}
