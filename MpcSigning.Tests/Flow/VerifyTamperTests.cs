using System.Text.Json.Nodes;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Bundle.Verification;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Flow;

/// <summary>The composed offline verifier over a real bundle: it holds, and every single-byte tamper breaks it.</summary>
[NonParallelizable]
public class VerifyTamperTests
{
    private TestNode _node = null!;
    private byte[] _bundle = null!;
    private byte[] _digest = null!;
    private VerifierTrust _trust = null!;

    [OneTimeSetUp]
    public async Task SignOnce()
    {
        _node = await TestNode.StartAsync();
        _digest = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var s = await _node.RequestAsync(_digest);
        SessionStatus done = null!;
        foreach (var who in new[] { "alice@example.com", "bob@example.com", "carol@example.com" }) done = await _node.ApproveAsync(s, who);
        _bundle = done.BundleJson.ToByteArray();
        var log = _node.Host.TransparencyLog.Identity;
        _trust = new VerifierTrust([_node.Host.CertificateAuthority.Certificate], log.PublicKey, log.KeyName, _node.Host.RelyingParty,
            new QuorumPolicy { RequiredEngineers = 1, RequiredStewards = 2 }, null)
        {
            PinnedSignerKeys = _node.Host.SignerIdentities.Select(i => i.PublicKey).ToArray(),
        };
    }

    [OneTimeTearDown]
    public async Task Stop() => await _node.DisposeAsync();

    private VerifyResult Verify(byte[] bundle, VerifierTrust? trust = null) => MpcsignVerifier.Verify(bundle, _digest, trust ?? _trust);

    /// <summary>Rewrites one base64 field (addressed by a path of property names and array indices) with byte i flipped.</summary>
    private byte[] Flip(string[] path, int i)
    {
        var root = JsonNode.Parse(_bundle)!;
        JsonNode parent = root;
        foreach (var step in path[..^1]) parent = int.TryParse(step, out var k) ? parent[k]! : parent[step]!;
        var bytes = Convert.FromBase64String(parent[path[^1]]!.GetValue<string>());
        bytes[i] ^= 0x01;
        parent[path[^1]] = Convert.ToBase64String(bytes);
        return System.Text.Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private int Length(string[] path)
    {
        JsonNode node = JsonNode.Parse(_bundle)!;
        foreach (var step in path) node = int.TryParse(step, out var k) ? node[k]! : node[step]!;
        return Convert.FromBase64String(node.GetValue<string>()).Length;
    }

    [Test]
    public void Verify_UntouchedBundle_Holds() => Assert.That(Verify(_bundle).Ok, Is.True, Verify(_bundle).Message);

    private static readonly string[][] Fields =
    [
        ["dsseEnvelope", "signatures", "0", "sig"],
        ["dsseEnvelope", "payload"],
        ["verificationMaterial", "certificate", "rawBytes"],
        ["mpcsign", "approvals", "1", "signature"],
        ["mpcsign", "approvals", "1", "authenticatorData"],
        ["mpcsign", "approvals", "1", "clientDataJSON"],
        ["mpcsign", "approvals", "1", "publicKeySpki"],
        ["verificationMaterial", "tlogEntries", "0", "inclusionProof", "rootHash"],
        ["verificationMaterial", "tlogEntries", "0", "inclusionPromise", "signedEntryTimestamp"],
        ["verificationMaterial", "tlogEntries", "0", "canonicalizedBody"],
        ["verificationMaterial", "tlogEntries", "0", "logId", "keyId"],
    ];

    [TestCaseSource(nameof(Fields))]
    public void Verify_AnyByteOfFieldFlipped_Fails(string[] path)
    {
        var accepted = Enumerable.Range(0, Length(path)).Where(i => Verify(Flip(path, i)).Ok).ToArray();
        Assert.That(accepted, Is.Empty, $"flips of {string.Join('.', path)} at these offsets still verified");
    }

    [Test]
    public async Task Verify_CertificateFromAnotherCa_Fails()
    {
        await using var other = await TestNode.StartAsync();
        var result = Verify(_bundle, _trust with { CaCertificates = [other.Host.CertificateAuthority.Certificate] });
        Assert.That(result.Ok, Is.False);
    }

    [Test]
    public void Verify_ApprovalRemoved_Fails()
    {
        var root = JsonNode.Parse(_bundle)!;
        root["mpcsign"]!["approvals"]!.AsArray().RemoveAt(2);
        Assert.That(Verify(System.Text.Encoding.UTF8.GetBytes(root.ToJsonString())).Ok, Is.False);
    }

    [Test]
    public void Verify_VerifyingShareReplaced_FailsTheThresholdCheck()
    {
        var root = JsonNode.Parse(_bundle)!;
        var shares = root["mpcsign"]!["frost"]!["verifyingShares"]!;
        shares["3"] = shares["1"]!.GetValue<string>();
        Assert.That(Verify(System.Text.Encoding.UTF8.GetBytes(root.ToJsonString())).Check, Is.EqualTo("threshold"));
    }

    [Test]
    public void Verify_ThresholdEvidenceRemoved_Fails()
    {
        var root = JsonNode.Parse(_bundle)!;
        root["mpcsign"]!.AsObject().Remove("frost");
        Assert.That(Verify(System.Text.Encoding.UTF8.GetBytes(root.ToJsonString())).Check, Is.EqualTo("threshold"));
    }

    [Test]
    public void Verify_SectionPolicyDifferentFromTheSignedStatement_Fails()
    {
        // Found by the fuzzing campaign: the quorum was checked against mpcsign.policy, which no signature covers.
        var root = JsonNode.Parse(_bundle)!;
        root["mpcsign"]!["policy"]!["requiredEngineers"] = 0;
        var lenient = _trust with { MinimumPolicy = new QuorumPolicy() };
        var result = Verify(System.Text.Encoding.UTF8.GetBytes(root.ToJsonString()), lenient);
        Assert.That((result.Ok, result.Check), Is.EqualTo((false, "quorum")), result.Message);
        Assert.That(result.Message, Does.Contain("signed statement"));
    }

    [Test]
    public void Verify_OtherArtifact_Fails() =>
        Assert.That(MpcsignVerifier.Verify(_bundle, new byte[32], _trust).Check, Is.EqualTo("SubjectMismatch"));

    [Test]
    public void Verify_StricterPolicyThanTheSessionHad_Fails() =>
        Assert.That(Verify(_bundle, _trust with { MinimumPolicy = new QuorumPolicy { RequiredEngineers = 1, RequiredStewards = 3 } }).Check,
            Is.EqualTo("quorum"));

    [Test]
    public void Verify_ApprovalsForAnotherRelyingParty_Fail() =>
        Assert.That(Verify(_bundle, _trust with { RelyingParty = new RelyingParty("evil.example", ["https://evil.example"]) }).Check,
            Is.EqualTo("approvals"));
}
