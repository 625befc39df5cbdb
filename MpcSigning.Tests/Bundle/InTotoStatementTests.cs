using System.Text;
using System.Text.Json;
using MpcSigning.Bundle;
using MpcSigning.Bundle.InToto;

namespace MpcSigning.Tests.Bundle;

public class InTotoStatementTests
{
    private static readonly InTotoStatement Statement = InTotoStatement.ForArtifact("artifact.bin", SignedSession.Predicate());

    [Test]
    public void ToJson_Statement_HasStatementV1ShapeAndPredicate()
    {
        using var doc = JsonDocument.Parse(Statement.ToJson());
        var root = doc.RootElement;
        Assert.That(root.GetProperty("_type").GetString(), Is.EqualTo("https://in-toto.io/Statement/v1"));
        Assert.That(root.GetProperty("subject")[0].GetProperty("digest").GetProperty("sha256").GetString(),
            Is.EqualTo(Convert.ToHexStringLower(SignedSession.ArtifactSha256)));
        Assert.That(root.GetProperty("predicateType").GetString(), Is.EqualTo("https://mpcsign.dev/quorum-approval/v1"));
        var p = root.GetProperty("predicate");
        Assert.That(p.GetProperty("sessionId").GetString(), Is.EqualTo("00112233445566778899aabbccddeeff"));
        Assert.That(p.GetProperty("policy").GetProperty("requiredEngineers").GetInt32(), Is.EqualTo(2));
        Assert.That(p.GetProperty("approvers")[2].GetProperty("role").GetString(), Is.EqualTo("steward"));
    }

    [Test]
    public void Parse_WrittenStatement_RoundTripsEveryField()
    {
        var back = InTotoStatement.Parse(Statement.ToJson());
        Assert.That(back.Subject.Single().Name, Is.EqualTo("artifact.bin"));
        Assert.That(back.Subject.Single().Sha256, Is.EqualTo(SignedSession.ArtifactSha256));
        Assert.That(back.Predicate.SessionId, Is.EqualTo(Statement.Predicate.SessionId));
        Assert.That(back.Predicate.ArtifactDigest, Is.EqualTo(Statement.Predicate.ArtifactDigest));
        Assert.That(back.Predicate.Policy, Is.EqualTo(Statement.Predicate.Policy));
        Assert.That(back.Predicate.Approvers, Is.EqualTo(Statement.Predicate.Approvers));
        Assert.That(back.ToJson(), Is.EqualTo(Statement.ToJson()));
    }

    [TestCase("https://in-toto.io/Statement/v1", "https://slsa.dev/provenance/v1", "predicateType")]
    [TestCase("https://in-toto.io/Statement/v0.1", "https://mpcsign.dev/quorum-approval/v1", "_type")]
    public void Parse_ForeignTypes_AreRefusedNamingTheField(string type, string predicateType, string field)
    {
        var json = Encoding.UTF8.GetString(Statement.ToJson())
            .Replace("https://in-toto.io/Statement/v1", type).Replace("https://mpcsign.dev/quorum-approval/v1", predicateType);
        var e = Assert.Throws<BundleFormatException>(() => InTotoStatement.Parse(Encoding.UTF8.GetBytes(json)));
        Assert.That(e!.Code, Is.EqualTo(BundleErrorCode.MalformedStatement));
        Assert.That(e.Message, Does.StartWith("statement." + field));
    }

    [Test]
    public void Parse_ShortSessionId_IsRefusedNamingTheField()
    {
        var json = Encoding.UTF8.GetString(Statement.ToJson()).Replace("00112233445566778899aabbccddeeff", "0011");
        var e = Assert.Throws<BundleFormatException>(() => InTotoStatement.Parse(Encoding.UTF8.GetBytes(json)));
        Assert.That(e!.Message, Does.Contain("statement.predicate.sessionId: expected 32 hex digits"));
    }
}
