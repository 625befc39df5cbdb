using System.Text.Json;
using MpcSigning.Bundle;
using MpcSigning.Bundle.Sigstore;

namespace MpcSigning.Tests.Bundle;

public class SigstoreBundleJsonTests
{
    private SignedSession _session = null!;

    [OneTimeSetUp]
    public void CreateSession() => _session = new SignedSession();

    [OneTimeTearDown]
    public void DisposeSession() => _session.Dispose();

    [Test]
    public void Write_Bundle_HasV03ShapeWithMpcsignSection()
    {
        using var doc = JsonDocument.Parse(SigstoreBundleJson.Write(_session.Bundle));
        var root = doc.RootElement;
        Assert.That(root.GetProperty("mediaType").GetString(), Is.EqualTo("application/vnd.dev.sigstore.bundle.v0.3+json"));
        Assert.That(root.GetProperty("verificationMaterial").GetProperty("certificate").GetProperty("rawBytes").GetBytesFromBase64(),
            Is.EqualTo(_session.LeafDer));
        Assert.That(root.GetProperty("verificationMaterial").GetProperty("tlogEntries")[0].GetProperty("logIndex").GetString(), Is.EqualTo("7"));
        var env = root.GetProperty("dsseEnvelope");
        Assert.That(env.GetProperty("payloadType").GetString(), Is.EqualTo("application/vnd.in-toto+json"));
        Assert.That(env.GetProperty("signatures")[0].GetProperty("keyid").GetString(), Is.EqualTo(""));
        Assert.That(root.GetProperty("mpcsign").GetProperty("approvals")[0].GetProperty("email").GetString(), Is.EqualTo("alice@example.com"));
    }

    [Test]
    public void Read_WrittenBundle_RoundTripsToTheSameJson()
    {
        var json = SigstoreBundleJson.Write(_session.Bundle);
        var back = SigstoreBundleJson.Read(json);
        Assert.That(back.CertificateDer, Is.EqualTo(_session.LeafDer));
        Assert.That(back.DsseEnvelope.Payload, Is.EqualTo(_session.Bundle.DsseEnvelope.Payload));
        Assert.That(back.DsseEnvelope.Signatures.Single().Sig, Is.EqualTo(_session.Bundle.DsseEnvelope.Signatures.Single().Sig));
        Assert.That(SigstoreBundleJson.Write(back), Is.EqualTo(json));
    }

    [Test]
    public void Read_UrlSafeUnpaddedBase64_IsAcceptedAsProto3JsonAllows()
    {
        var json = SigstoreBundleJson.Write(_session.Bundle);
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        node["verificationMaterial"]!["certificate"]!["rawBytes"] = Convert.ToBase64String(_session.LeafDer).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var back = SigstoreBundleJson.Read(System.Text.Encoding.UTF8.GetBytes(node.ToJsonString()));
        Assert.That(back.CertificateDer, Is.EqualTo(_session.LeafDer));
    }

    [TestCaseSource(typeof(MalformedBundleCases), nameof(MalformedBundleCases.All))]
    public void Read_MalformedBundle_FailsNamingTheField(MalformedBundleCases.Case c)
    {
        var json = MalformedBundleCases.Apply(c, SigstoreBundleJson.Write(_session.Bundle));
        Assert.That(SigstoreBundleJson.TryRead(json, out var bundle, out var error), Is.False);
        Assert.That(bundle, Is.Null);
        Assert.That(error.Code, Is.EqualTo(c.Code), error.Message);
        Assert.That(error.Message, Does.Contain(c.Message));
    }
}
