using FsProperty = FsCheck.NUnit.PropertyAttribute;
using MpcSigning.TLog.Merkle;

namespace MpcSigning.Tests.TLog;

/// <summary>
/// The right edge is a cache: proofs and roots built with it must equal the ones built from nodes alone (which
/// ClassicTreeTests and ProofPropertyTests check against RFC 9162), for the edge's own size and any other.
/// </summary>
public class RightEdgeTests
{
    private const int MaxSize = 5_000;
    private static readonly Lazy<HashLevels> Tree = new(() =>
    {
        var t = new HashLevels();
        for (var i = 0; i < MaxSize; i++) t.AppendLeafHash(Rfc9162.HashLeaf(BitConverter.GetBytes(i)));
        return t;
    });

    [FsProperty(MaxTest = 300)]
    public bool InclusionProof_WithEdgeOfItsSize_SameProofAndRootAsFromNodes(uint a, uint b)
    {
        var size = 1 + a % MaxSize;
        var index = b % size;
        var edge = RightEdge.Compute(Tree.Value, size);
        var withEdge = ProofBuilder.Inclusion(Tree.Value, index, size, edge);
        var fromNodes = ProofBuilder.Inclusion(Tree.Value, index, size);
        return edge.Size == size && edge.Root.SequenceEqual(ProofBuilder.Root(Tree.Value, size)) && Same(withEdge, fromNodes)
               && MerkleProofs.VerifyInclusion(index, size, Tree.Value.Node(0, index), withEdge, edge.Root).IsValid;
    }

    [FsProperty(MaxTest = 300)]
    public bool ConsistencyProof_WithEdgeOfNewSize_SameProofAsFromNodes(uint a, uint b)
    {
        var size2 = 1 + a % MaxSize;
        var size1 = 1 + b % size2;
        var edge = RightEdge.Compute(Tree.Value, size2);
        return Same(ProofBuilder.Consistency(Tree.Value, size1, size2, edge), ProofBuilder.Consistency(Tree.Value, size1, size2));
    }

    [FsProperty(MaxTest = 200)]
    public bool Proofs_WithEdgeOfAnotherSize_EdgeIgnoredAndProofUnchanged(uint a, uint b, uint c)
    {
        var size = 1 + a % MaxSize;
        var index = b % size;
        var other = RightEdge.Compute(Tree.Value, 1 + c % MaxSize);
        return Same(ProofBuilder.Inclusion(Tree.Value, index, size, other), ProofBuilder.Inclusion(Tree.Value, index, size))
               && Same(ProofBuilder.Consistency(Tree.Value, 1 + b % size, size, other), ProofBuilder.Consistency(Tree.Value, 1 + b % size, size));
    }

    [TestCase(1)]
    [TestCase(4096)]
    public void Compute_PerfectSize_NoSuffixesAndRootIsTheTopNode(int size)
    {
        var edge = RightEdge.Compute(Tree.Value, size);
        Assert.That(edge.Root, Is.EqualTo(ProofBuilder.Root(Tree.Value, size)));
        Assert.That(edge.TryRead(0, size, new byte[32]), Is.False, "a perfect tree is one node, not an edge suffix");
    }

    [Test]
    public void TryRead_RangeNotOnTheSpine_False()
    {
        var edge = RightEdge.Compute(Tree.Value, 4099); // spine suffixes start at 0 and 4096 (4099 = 4096 + 2 + 1)
        var h = new byte[32];
        Assert.That(edge.TryRead(0, 4099, h), Is.True);
        Assert.That(h, Is.EqualTo(ProofBuilder.Root(Tree.Value, 4099)));
        Assert.That(edge.TryRead(4096, 4099, h), Is.True);
        Assert.That(edge.TryRead(1, 4099, h), Is.False);
        Assert.That(edge.TryRead(0, 4098, h), Is.False);
    }

    [Test]
    public void Compute_EmptyTree_Refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RightEdge.Compute(Tree.Value, 0));

    private static bool Same(List<byte[]> a, List<byte[]> b) => a.Count == b.Count && a.Zip(b).All(p => p.Item1.SequenceEqual(p.Item2));
}
