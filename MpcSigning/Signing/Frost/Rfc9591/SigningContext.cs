namespace MpcSigning.Signing.Frost;

/// <summary>
/// The public values that RFC 9591 sections 4.4 to 4.6 derive from one signing package, computed once and
/// shared by round two, share verification and aggregation: binding factors, each signer's commitment share
/// D_i + rho_i * E_i, the group commitment R and the challenge c.
/// </summary>
internal sealed class SigningContext
{
    private SigningContext(IReadOnlyList<Commitment> list, uint[] participants, byte[][] rho, byte[][] shares, byte[] r, byte[] c)
    {
        List = list;
        Participants = participants;
        Rho = rho;
        CommitmentShares = shares;
        R = r;
        C = c;
    }

    public IReadOnlyList<Commitment> List { get; }
    public uint[] Participants { get; }
    /// <summary>rho_i, in list order (section 4.4).</summary>
    public byte[][] Rho { get; }
    public byte[][] CommitmentShares { get; }
    /// <summary>The group commitment R (section 4.5).</summary>
    public byte[] R { get; }
    /// <summary>The challenge c (section 4.6).</summary>
    public byte[] C { get; }

    public static SigningContext Create(ReadOnlySpan<byte> groupPublicKey, IReadOnlyList<Commitment> list, ReadOnlySpan<byte> message)
    {
        var rho = BindingFactors.Compute(groupPublicKey, list, message);
        var shares = new byte[list.Count][];
        byte[]? r = null;
        for (var i = 0; i < list.Count; i++)
        {
            // Section 4.5: D_i + rho_i * E_i; all public, summed into R (starting from the first term, not the
            // identity: each libsodium addition decodes and encodes both points).
            shares[i] = Group.Add(list[i].Hiding, BindingTerm(rho[i], list[i]));
            r = r is null ? shares[i] : Group.Add(r, shares[i]);
        }
        if (r is null) throw new FrostException(FrostError.TooFewSigners, "signing package: the commitment list is empty.");
        if (r.AsSpan().SequenceEqual(Group.Identity()))
            throw new FrostException(FrostError.InvalidElement,
                "signing package: the group commitment is the identity, which cannot be serialized (RFC 9591 sections 3.1, 4.5).");
        var c = Challenge.Compute(r, groupPublicKey, message);
        return new SigningContext(list, CommitmentList.Participants(list), rho, shares, r, c);
    }

    /// <summary>rho_i * E_i; the multiplication is also E_i's validation (see <see cref="CommitmentList.Decode"/>).</summary>
    private static byte[] BindingTerm(byte[] rho, Commitment c)
    {
        var q = new byte[Group.ElementSize];
        if (MpcSigning.Interop.Sodium.ScalarMult(q, rho, c.Binding)) return q;
        Group.DeserializeElement(Google.Protobuf.ByteString.CopyFrom(c.Binding), CommitmentList.BindingWhat(c.Identifier), c.Identifier);
        throw new FrostException(FrostError.ZeroScalar, $"signing package: the binding factor of {c.Identifier} is zero; build a new package.");
    }

    public int IndexOf(uint identifier) => Array.IndexOf(Participants, identifier);
}
