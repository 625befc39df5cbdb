using System.Text.Json.Nodes;
using Google.Protobuf;
using MpcSigning.Bundle.Verification;
using MpcSigning.Cli;
using MpcSigning.Hosting;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Proto.Frost;
using MpcSigning.Signing.Identity;
using MpcSigning.Tests.Support;
using MpcSigning.Tests.Transport.Support;

namespace MpcSigning.Tests.Bundle;

/// <summary>
/// The FROST verifying shares are bound to the signers' attested identities: a real bundle verifies against the node's
/// pinned identity keys (and against the ones 'trust-root' publishes), and the forgery attacks are each refused with one
/// line: shares endorsed by identities that are not pinned (an insider's own DKG), a forged identity signature, a report
/// that does not bind the key, one identity endorsing two shares, no endorsements, nothing pinned.
/// </summary>
[NonParallelizable]
public class SignerIdentityCheckTests
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
        _trust = VerifyCommand.Trust(TrustMaterial.FromNode(_node.Host), _node.Host.Config);
    }

    [OneTimeTearDown]
    public async Task Stop() => await _node.DisposeAsync();

    private VerifyResult Verify(byte[] bundle, VerifierTrust? trust = null) => MpcsignVerifier.Verify(bundle, _digest, trust ?? _trust);

    private static JsonArray Endorsements(JsonNode root) => root["mpcsign"]!["frost"]!["endorsements"]!.AsArray();

    private byte[] Mutate(Action<JsonNode> change)
    {
        var root = JsonNode.Parse(_bundle)!;
        change(root);
        return System.Text.Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private static void AssertRefused(VerifyResult r, string contains)
    {
        Assert.That(r.Ok, Is.False, "refused");
        Assert.That(r.Check, Is.EqualTo("signers"));
        Assert.That(r.Message, Does.Contain(contains).And.Not.Contain("\n"));
    }

    [Test]
    public void Verify_RealBundle_AgainstThePinnedSignerIdentities_Holds()
    {
        var r = Verify(_bundle);
        Assert.That(r.Ok, Is.True, r.Message);
        Assert.That(_trust.PinnedSignerKeys, Has.Count.EqualTo(3));
        Assert.That(Endorsements(JsonNode.Parse(_bundle)!), Has.Count.EqualTo(3), "every signer of the DKG endorsed its share");
    }

    [Test]
    public void Verify_WithTheTrustRootsPublishedSigners_Holds_AndWithoutThemIsRefused()
    {
        using var dir = new TempDir();
        var path = dir.File("trust-root.json");
        File.WriteAllBytes(path, TrustMaterial.TrustedRootJson(_node.Host));
        var fromRoot = TrustMaterial.FromTrustedRoot(path);
        Assert.That(fromRoot.Signers.Select(s => s.Name), Is.EqualTo(new[] { "node-1/signer-1", "node-1/signer-2", "node-1/signer-3" }));
        Assert.That(Verify(_bundle, VerifyCommand.Trust(fromRoot, _node.Host.Config)).Ok, Is.True);

        var stripped = JsonNode.Parse(File.ReadAllBytes(path))!.AsObject();
        stripped.Remove("mpcsignSigners");
        File.WriteAllText(path, stripped.ToJsonString());
        AssertRefused(Verify(_bundle, VerifyCommand.Trust(TrustMaterial.FromTrustedRoot(path), _node.Host.Config)), "no pinned signer identities");
    }

    [Test]
    public void Verify_SharesEndorsedByIdentitiesThatAreNotPinned_IsRefused()
    {
        // An insider who ran its own DKG signs the shares with identity keys of its own, attested by the (simulated) chip
        // and with reports that bind them: none is pinned, so the shares count for nothing.
        using var dir = new TempDir();
        using var provider = LinkWorld.NewProvider();
        var section = JsonNode.Parse(_bundle)!["mpcsign"]!;
        var evidence = ThresholdEvidenceJson(section);
        var sessionId = ByteString.CopyFrom(Convert.FromHexString(section["sessionId"]!.GetValue<string>()));
        var keys = new PublicKeyPackage { MinSigners = evidence.T, MaxSigners = evidence.N, GroupPublicKey = evidence.GroupPublicKey, VerifyingShares = { evidence.VerifyingShares } };
        var forged = new List<JsonNode>();
        foreach (var id in evidence.VerifyingShares.Keys.Order())
        {
            using var mallory = SignerIdentity.OpenAsync(DataDirectory.Open(dir.Path), "mallory-" + id, null, provider, CancellationToken.None).GetAwaiter().GetResult();
            forged.Add(Endorsement(mallory.Endorse(sessionId, keys, id)));
        }
        var bundle = Mutate(root => root["mpcsign"]!["frost"]!["endorsements"] = new JsonArray(forged.ToArray()));
        AssertRefused(Verify(bundle), "which is not a pinned signer");
    }

    [Test]
    public void Verify_ForgedIdentitySignature_IsRefused()
    {
        var bundle = Mutate(root =>
        {
            var e = Endorsements(root)[0]!;
            var sig = Convert.FromHexString(e["signature"]!.GetValue<string>());
            sig[5] ^= 0x01;
            e["signature"] = Convert.ToHexStringLower(sig);
        });
        AssertRefused(Verify(bundle), "does not verify");
    }

    [Test]
    public void Verify_EndorsementMovedToAnotherShare_IsRefused()
    {
        // signer 1's valid signature presented for share 3: the identifier and share are in the signed message
        var bundle = Mutate(root =>
        {
            var list = Endorsements(root);
            list[2]!["signature"] = list[0]!["signature"]!.GetValue<string>();
        });
        AssertRefused(Verify(bundle), "does not verify");
    }

    [Test]
    public void Verify_ReportThatDoesNotBindTheIdentityKey_IsRefused()
    {
        var bundle = Mutate(root =>
        {
            var list = Endorsements(root);
            list[0]!["attestationReport"] = list[1]!["attestationReport"]!.GetValue<string>();
        });
        AssertRefused(Verify(bundle), "does not bind its identity key");
    }

    [Test]
    public void Verify_OneIdentityEndorsingTwoShares_IsRefused()
    {
        var bundle = Mutate(root =>
        {
            var list = Endorsements(root);
            list[1]!["identityPublicKey"] = list[0]!["identityPublicKey"]!.GetValue<string>();
        });
        AssertRefused(Verify(bundle), "signed more than one verifying share");
    }

    [Test]
    public void Verify_NoEndorsements_OrAUsedShareWithout_IsRefused()
    {
        AssertRefused(Verify(Mutate(root => root["mpcsign"]!["frost"]!.AsObject().Remove("endorsements"))), "carries no signer identity signatures");
        var signers = JsonNode.Parse(_bundle)!["mpcsign"]!["frost"]!["signers"]!.AsArray().Select(s => s!.GetValue<uint>()).ToArray();
        var bundle = Mutate(root =>
        {
            var list = Endorsements(root);
            var used = list.First(e => e!["identifier"]!.GetValue<uint>() == signers[0])!;
            list.Remove(used);
        });
        AssertRefused(Verify(bundle), "used to sign, carry no pinned signer's identity signature");
    }

    [Test]
    public void Verify_NothingPinned_IsRefused() =>
        AssertRefused(Verify(_bundle, _trust with { PinnedSignerKeys = [] }), "no pinned signer identities");

    [Test]
    public void Verify_PinningOnlyOneOfTheSigners_IsRefused() =>
        AssertRefused(Verify(_bundle, _trust with { PinnedSignerKeys = [_trust.PinnedSignerKeys[0]] }), "not a pinned signer");

    private static ThresholdEvidence ThresholdEvidenceJson(JsonNode section) =>
        MpcSigning.Signing.Frost.ThresholdEvidenceJson.Read(section["frost"]!.ToJsonString());

    private static JsonNode Endorsement(MpcSigning.Proto.Identity.ShareEndorsement e) => new JsonObject
    {
        ["identifier"] = e.Identifier,
        ["identityPublicKey"] = Convert.ToHexStringLower(e.IdentityPublicKey.Span),
        ["signature"] = Convert.ToHexStringLower(e.Signature.Span),
        ["attestationReport"] = Convert.ToBase64String(e.AttestationReport.Span),
    };
}
