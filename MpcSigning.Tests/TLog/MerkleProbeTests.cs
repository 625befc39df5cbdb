using MpcSigning.TLog.Merkle;

namespace MpcSigning.Tests.TLog;

/// <summary>The 196 transparency-dev/merkle probes: every happy path accepted, every wantErr case rejected.</summary>
public class MerkleProbeTests
{
    private static IEnumerable<TestCaseData> Inclusion() => TlogVectors.Probes("inclusion");
    private static IEnumerable<TestCaseData> Consistency() => TlogVectors.Probes("consistency");

    [TestCaseSource(nameof(Inclusion))]
    public void VerifyInclusion_Probe_MatchesWantErr(string file)
    {
        var v = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file)).RootElement;
        var verdict = MerkleProofs.VerifyInclusion(AsLong(v, "leafIdx"), AsLong(v, "treeSize"),
            TlogVectors.B64(v, "leafHash"), TlogVectors.B64List(v, "proof"), TlogVectors.B64(v, "root"));
        Assert.That(verdict.IsValid, Is.EqualTo(!v.GetProperty("wantErr").GetBoolean()), verdict.ToString());
    }

    [TestCaseSource(nameof(Consistency))]
    public void VerifyConsistency_Probe_MatchesWantErr(string file)
    {
        var v = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file)).RootElement;
        var verdict = MerkleProofs.VerifyConsistency(AsLong(v, "size1"), AsLong(v, "size2"),
            TlogVectors.B64List(v, "proof"), TlogVectors.B64(v, "root1"), TlogVectors.B64(v, "root2"));
        Assert.That(verdict.IsValid, Is.EqualTo(!v.GetProperty("wantErr").GetBoolean()), verdict.ToString());
    }

    /// <summary>The probes are Go uint64s; values past long.MaxValue wrap negative, which the API rejects as out of range.</summary>
    private static long AsLong(System.Text.Json.JsonElement v, string name) => unchecked((long)v.GetProperty(name).GetUInt64());

    [Test]
    public void Probes_AllFilesFound_Count196()
    {
        Assert.That(Inclusion().Count() + Consistency().Count(), Is.EqualTo(196));
    }

    [Test]
    public void VerifyInclusion_WrongRoot_IsRootMismatchNotMalformed()
    {
        var leaf = Rfc9162.HashLeaf([1]);
        var verdict = MerkleProofs.VerifyInclusion(0, 1, leaf, [], Rfc9162.HashLeaf([2]));
        Assert.That(verdict.Outcome, Is.EqualTo(MerkleOutcome.RootMismatch));
    }

    [Test]
    public void VerifyInclusion_ShortHash_IsMalformedAndSaysWhat()
    {
        var verdict = MerkleProofs.VerifyInclusion(0, 2, new byte[32], [new byte[31]], new byte[32]);
        Assert.That(verdict.Outcome, Is.EqualTo(MerkleOutcome.Malformed));
        Assert.That(verdict.Detail, Does.Contain("31 bytes"));
    }
}
