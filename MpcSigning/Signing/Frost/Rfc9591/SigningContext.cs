using MpcSigning.Crypto.Edwards25519;

namespace MpcSigning.Signing.Frost;

/// <summary>
/// The public values that RFC 9591 sections 4.4 to 4.6 derive from one signing package, computed once and
/// shared by round two, share verification and aggregation: binding factors, the group commitment R and the
/// challenge c (each signer's commitment share D_i + rho_i * E_i only on demand, to blame a share).
/// </summary>
internal sealed class SigningContext
{
    private SigningContext(IReadOnlyList<Commitment> list, uint[] participants, byte[][] rho, byte[] r, byte[] c)
    {
        List = list;
        Participants = participants;
        Rho = rho;
        R = r;
        C = c;
    }

    public IReadOnlyList<Commitment> List { get; }
    public uint[] Participants { get; }
    /// <summary>rho_i, in list order (section 4.4).</summary>
    public byte[][] Rho { get; }
    /// <summary>The group commitment R (section 4.5).</summary>
    public byte[] R { get; }
    /// <summary>The challenge c (section 4.6).</summary>
    public byte[] C { get; }

    /// <summary>
    /// Section 4.5 R = sum of D_i + rho_i * E_i, all public: one variable-time multi-scalar multiplication (a
    /// single chain of doublings for every rho_i * E_i) plus the D_i. The points were validated by
    /// <see cref="CommitmentList.Decode"/>.
    /// </summary>
    public static SigningContext Create(ReadOnlySpan<byte> groupPublicKey, IReadOnlyList<Commitment> list, ReadOnlySpan<byte> message)
    {
        if (list.Count == 0) throw new FrostException(FrostError.TooFewSigners, "signing package: the commitment list is empty.");
        var rho = BindingFactors.Compute(groupPublicKey, list, message);
        var sum = PublicPoint.MultiScalarMultiply([], rho, list.Select(c => c.BindingPoint).ToArray());
        foreach (var entry in list) sum = PublicPoint.Add(sum, entry.HidingPoint);
        if (sum.IsIdentity)
            throw new FrostException(FrostError.InvalidElement,
                "signing package: the group commitment is the identity, which cannot be serialized (RFC 9591 sections 3.1, 4.5).");
        var r = sum.Encode();
        var c = Challenge.Compute(r, groupPublicKey, message);
        return new SigningContext(list, CommitmentList.Participants(list), rho, r, c);
    }

    /// <summary>Signer i's commitment share D_i + rho_i * E_i (section 5.4), needed only to blame a share.</summary>
    public PublicPoint CommitmentShare(int index) =>
        PublicPoint.Add(List[index].HidingPoint, List[index].BindingPoint.Multiply(Rho[index]));

    public int IndexOf(uint identifier) => Array.IndexOf(Participants, identifier);
}
