using FsProperty = FsCheck.NUnit.PropertyAttribute;
using MpcSigning.TLog.Merkle;

namespace MpcSigning.Tests.TLog;

/// <summary>Random sizes up to 10,000 and random pairs: every generated proof verifies; one flipped bit fails.</summary>
public class ProofPropertyTests
{
    private const int MaxSize = 10_000;
    private static readonly Lazy<HashLevels> Tree = new(() =>
    {
        var t = new HashLevels();
        for (var i = 0; i < MaxSize; i++) t.AppendLeafHash(Rfc9162.HashLeaf(BitConverter.GetBytes(i)));
        return t;
    });

    [FsProperty(MaxTest = 300)]
    public bool InclusionProof_RandomSizeAndIndex_VerifiesAndAnyFlipFails(uint a, uint b, uint which, byte bit)
    {
        var size = 1 + a % MaxSize;
        var index = b % size;
        var tree = Tree.Value;
        var root = ProofBuilder.Root(tree, size);
        var proof = ProofBuilder.Inclusion(tree, index, size);
        var leaf = tree.Node(0, index).ToArray();
        if (!MerkleProofs.VerifyInclusion(index, size, leaf, proof, root).IsValid) return false;
        if (proof.Count == 0) return !MerkleProofs.VerifyInclusion(index, size, Flip(leaf, bit), proof, root).IsValid;
        var mutated = proof.Select(h => h.ToArray()).ToList();
        var k = (int)(which % mutated.Count);
        mutated[k] = Flip(mutated[k], bit);
        return MerkleProofs.VerifyInclusion(index, size, leaf, mutated, root).Outcome == MerkleOutcome.RootMismatch;
    }

    [FsProperty(MaxTest = 300)]
    public bool ConsistencyProof_RandomPair_VerifiesAndAnyFlipFails(uint a, uint b, uint which, byte bit)
    {
        var size2 = 1 + a % MaxSize;
        var size1 = 1 + b % size2;
        var tree = Tree.Value;
        var root1 = ProofBuilder.Root(tree, size1);
        var root2 = ProofBuilder.Root(tree, size2);
        var proof = ProofBuilder.Consistency(tree, size1, size2);
        if (!MerkleProofs.VerifyConsistency(size1, size2, proof, root1, root2).IsValid) return false;
        if (proof.Count == 0) return !MerkleProofs.VerifyConsistency(size1, size2, proof, root1, Flip(root2, bit)).IsValid;
        var mutated = proof.Select(h => h.ToArray()).ToList();
        var k = (int)(which % mutated.Count);
        mutated[k] = Flip(mutated[k], bit);
        return !MerkleProofs.VerifyConsistency(size1, size2, mutated, root1, root2).IsValid;
    }

    private static byte[] Flip(byte[] h, byte bit)
    {
        var c = h.ToArray();
        c[(bit / 8) % c.Length] ^= (byte)(1 << (bit % 8));
        return c;
    }
}
