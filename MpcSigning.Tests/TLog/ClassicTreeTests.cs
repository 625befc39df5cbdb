using MpcSigning.TLog.Merkle;

namespace MpcSigning.Tests.TLog;

/// <summary>RFC 6962 classic 8-leaf tree: hashes, roots, and every proof reproduced byte for byte.</summary>
public class ClassicTreeTests
{
    private static readonly System.Text.Json.JsonElement V = TlogVectors.Load("rfc6962-classic-8leaf.json");

    internal static HashLevels Build(int size)
    {
        var levels = new HashLevels();
        foreach (var hex in V.GetProperty("leafInputsHex").EnumerateArray().Take(size))
            levels.AppendLeafHash(Rfc9162.HashLeaf(Convert.FromHexString(hex.GetString()!)));
        return levels;
    }

    [Test]
    public void HashFunctions_UpstreamVectors_Match()
    {
        var h = V.GetProperty("hashFunctionVectors");
        Assert.That(Convert.ToHexStringLower(Rfc9162.EmptyRoot()), Is.EqualTo(h.GetProperty("emptyTree").GetString()));
        Assert.That(Convert.ToHexStringLower(Rfc9162.HashLeaf([])), Is.EqualTo(h.GetProperty("leafHash('')").GetString()));
        Assert.That(Convert.ToHexStringLower(Rfc9162.HashLeaf("L123456"u8)), Is.EqualTo(h.GetProperty("leafHash('L123456')").GetString()));
        Assert.That(Convert.ToHexStringLower(Rfc9162.HashChildren("N123"u8, "N456"u8)),
            Is.EqualTo(h.GetProperty("nodeHash('N123','N456')").GetString()));
    }

    [Test]
    public void Root_EverySize_MatchesRootsBySize()
    {
        foreach (var p in V.GetProperty("rootsBySize").EnumerateObject())
        {
            var size = int.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture);
            Assert.That(Convert.ToHexStringLower(ProofBuilder.Root(Build(size), size)), Is.EqualTo(p.Value.GetString()), $"size {size}");
        }
        Assert.That(Convert.ToHexStringLower(ProofBuilder.Root(new HashLevels(), 0)), Is.EqualTo(V.GetProperty("emptyTreeRootHex").GetString()));
    }

    [Test]
    public void Inclusion_EveryDerivedAndUpstreamProof_ReproducedAndVerifies()
    {
        var all = V.GetProperty("derivedInclusionProofs").EnumerateArray().Concat(V.GetProperty("upstreamInclusionProofs").EnumerateArray()).ToList();
        Assert.That(all, Has.Count.EqualTo(41));
        var tree = Build(8);
        foreach (var p in all)
        {
            long index = p.GetProperty("leafIndex").GetInt64(), size = p.GetProperty("treeSize").GetInt64();
            var want = TlogVectors.HexList(p, "proofHex");
            var got = ProofBuilder.Inclusion(tree, index, size);
            Assert.That(got, Is.EqualTo(want), $"proof of {index} in {size}");
            var root = ProofBuilder.Root(tree, size);
            Assert.That(MerkleProofs.VerifyInclusion(index, size, Convert.FromHexString(p.GetProperty("leafHashHex").GetString()!), got, root).IsValid);
        }
    }

    [Test]
    public void Consistency_EveryDerivedAndUpstreamProof_ReproducedAndVerifies()
    {
        var all = V.GetProperty("derivedConsistencyProofs").EnumerateArray().Concat(V.GetProperty("upstreamConsistencyProofs").EnumerateArray()).ToList();
        var tree = Build(8);
        foreach (var p in all)
        {
            long m = p.GetProperty("size1").GetInt64(), n = p.GetProperty("size2").GetInt64();
            var got = ProofBuilder.Consistency(tree, m, n);
            Assert.That(got, Is.EqualTo(TlogVectors.HexList(p, "proofHex")), $"proof {m} -> {n}");
            Assert.That(MerkleProofs.VerifyConsistency(m, n, got, ProofBuilder.Root(tree, m), ProofBuilder.Root(tree, n)).IsValid, $"{m} -> {n}");
        }
    }
}
