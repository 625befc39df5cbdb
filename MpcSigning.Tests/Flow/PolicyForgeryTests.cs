using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using MpcSigning.Bundle.Dsse;
using MpcSigning.Bundle.InToto;
using MpcSigning.Bundle.Mpcsign;
using MpcSigning.Bundle.Sigstore;
using MpcSigning.Bundle.Verification;
using MpcSigning.Ca;
using MpcSigning.Coordinator.Pipeline;
using MpcSigning.Policy;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Signing.Frost;
using MpcSigning.TLog;
using MpcSigning.TLog.Rekor;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Flow;

/// <summary>
/// The forgery script of issue 14, as tests: an attacker holding only the victim node's CA key and log key (here: the
/// victim's CA and log objects, used directly, bypassing the CA's policy check) re-certifies and re-logs a bundle made
/// on a node of their own, whose Alice, Bob and Carol approved with the attacker's keys and whose FROST evidence is
/// genuine for the attacker's signers. verify, pinned to the victim's trust policy, refuses each with one line.
/// </summary>
[NonParallelizable]
public class PolicyForgeryTests
{
    private TestNode _victim = null!;
    private TestNode _attacker = null!;
    private byte[] _honest = null!;
    private byte[] _honestDigest = null!;
    private byte[] _forgedSource = null!;
    private byte[] _forgedDigest = null!;
    private VerifierTrust _trust = null!;

    [OneTimeSetUp]
    public async Task SignOnEachNode()
    {
        _victim = await TestNode.StartAsync();
        _attacker = await TestNode.StartAsync();
        (_honest, _honestDigest) = await SignAsync(_victim);
        (_forgedSource, _forgedDigest) = await SignAsync(_attacker);
        var log = _victim.Host.TransparencyLog.Identity;
        var chain = _victim.Host.Policy.Load()!;
        _trust = new VerifierTrust([_victim.Host.CertificateAuthority.Certificate], log.PublicKey, log.KeyName, _victim.Host.RelyingParty,
            new MpcSigning.Proto.Coordinator.QuorumPolicy { RequiredEngineers = 1, RequiredStewards = 2 }, null)
        {
            Policies = PolicyChain.Verify(chain, PolicyDigest.Of(chain.Versions[0].Policy)),
            PinnedSignerKeys = chain.Versions[0].Policy.Signers.Select(s => s.IdentityPublicKey.ToByteArray()).ToArray(),
        };
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _victim.DisposeAsync();
        await _attacker.DisposeAsync();
    }

    private static async Task<(byte[] Bundle, byte[] Digest)> SignAsync(TestNode node)
    {
        var digest = RandomNumberGenerator.GetBytes(32);
        var s = await node.RequestAsync(digest);
        SessionStatus done = null!;
        foreach (var who in new[] { "alice@example.com", "bob@example.com", "carol@example.com" }) done = await node.ApproveAsync(s, who);
        Assert.That(done.Phase, Is.EqualTo(SessionPhase.Completed), done.Failure?.Message);
        return (done.BundleJson.ToByteArray(), digest);
    }

    private VerifyResult Verify(byte[] bundle, byte[] digest) => MpcsignVerifier.Verify(bundle, digest, _trust);

    [Test]
    public void HonestBundle_VerifiesUnderThePinnedPolicy()
    {
        var r = Verify(_honest, _honestDigest);
        Assert.That(r.Ok, Is.True, r.Message);
        Assert.That(r.Message, Does.Contain("under trust policy v1"));
    }

    [Test]
    public void HonestBundle_AgainstAnotherDeploymentsPin_IsRefused()
    {
        var other = _attacker.Host.Policy.Load()!;
        var e = Assert.Throws<PolicyException>(() => PolicyChain.Verify(other, PolicyDigest.Of(_victim.Host.Policy.Current()!)));
        Assert.That(e!.Message, Does.Contain("pinned fingerprint"));
    }

    /// <summary>Re-certified and re-logged with the victim's CA and log keys alone, still naming the attacker's own policy.</summary>
    [Test]
    public async Task BundleMadeWithTheCaAndLogKeysAlone_NamingItsOwnPolicy_IsRefused()
    {
        var forged = await ForgeAsync(s => s, bindPolicy: true, bindToVictim: false);
        Refused(Verify(forged, _forgedDigest), "policy", "is not reachable from the pinned version");
    }

    [Test]
    public async Task ApprovalsMadeWithKeysNotInThePolicy_AreRefused()
    {
        var forged = await ForgeAsync(s => s, bindPolicy: true, bindToVictim: true);
        Refused(Verify(forged, _forgedDigest), "policy", "was made with a credential trust policy v1 does not name");
    }

    [Test]
    public async Task ApprovalInARoleThePolicyDoesNotGive_IsRefused()
    {
        var forged = await ForgeAsync(s =>
        {
            var approvals = s.Approvals.Select(a => a.Clone()).ToList();
            approvals[0].Role = Role.Steward; // Alice, an engineer, "approving" as a steward
            return s with { Approvals = approvals };
        }, bindPolicy: true, bindToVictim: true, reSign: true);
        Refused(Verify(forged, _forgedDigest), "policy", "alice@example.com approved as steward, but trust policy v1 gives them engineer");
    }

    /// <summary>The honest approvals, but a FROST key of the attacker's: its verifying shares are signed by no pinned signer identity.</summary>
    [Test]
    public async Task VerifyingSharesNotSignedByPinnedSignerIdentities_AreRefused()
    {
        var forged = await ForgeAsync(s => s, bindPolicy: true, bindToVictim: true, reSign: true, source: _honest);
        Refused(Verify(forged, _honestDigest), "signers", "");
    }

    [Test]
    public async Task CertificateWithoutThePolicyBinding_IsRefused()
    {
        var forged = await ForgeAsync(s => s, bindPolicy: false, bindToVictim: true);
        Refused(Verify(forged, _forgedDigest), "policy", "does not bind a trust policy");
    }

    /// <summary>The honest bundle with its policy reference removed.</summary>
    [Test]
    public void BundleNamingNoPolicy_IsRefused()
    {
        var root = System.Text.Json.Nodes.JsonNode.Parse(_honest)!;
        root["mpcsign"]!.AsObject().Remove("trustPolicy");
        Refused(Verify(System.Text.Encoding.UTF8.GetBytes(root.ToJsonString()), _honestDigest), "policy", "names no trust policy version");
    }

    private static void Refused(VerifyResult r, string check, string message)
    {
        Assert.That(r.Ok, Is.False, "the forgery verified");
        Assert.That(r.Message, Does.Contain(message));
        Assert.That(r.Check, Is.EqualTo(check), r.Message);
        Assert.That(r.Message, Does.Not.Contain("\n"));
    }

    /// <summary>
    /// The attacker's bundle with its section edited, its certificate re-issued by the victim's CA for the same FROST group
    /// key (with a policy binding to the victim's current policy, the attacker's own, or none), and logged in the victim's log.
    /// </summary>
    /// <param name="reSign">Rewrite the signed statement to match the edited approvals, signed by a fresh FROST 2-of-3 group of the attacker's.</param>
    private async Task<byte[]> ForgeAsync(Func<MpcsignSection, MpcsignSection> edit, bool bindPolicy, bool bindToVictim, bool reSign = false,
        byte[]? source = null)
    {
        Assert.That(SigstoreBundleJson.TryRead(source ?? _forgedSource, out var bundle, out var error), Is.True, error.Message);
        var section = edit(MpcsignSection.Read(bundle!.Mpcsign!.Value));
        using var leaf = X509CertificateLoader.LoadCertificate(bundle.CertificateDer);
        var info = SessionCertificateInfo.Parse(leaf);
        if (reSign)
        {
            var original = InTotoStatement.Parse(bundle.DsseEnvelope.Payload);
            var statement = original with
            {
                Predicate = original.Predicate with
                {
                    Approvers = section.Approvals.Select(a => new PredicateApprover(a.ParticipantName, a.ParticipantEmail, CaMessages.RoleName(a.Role))).ToList(),
                },
            };
            var payload = statement.ToJson();
            var frost = FrostCeremony.Run(2, 3, Dsse.Pae(Dsse.InTotoPayloadType, payload), [1, 2]);
            bundle = bundle with { DsseEnvelope = new DsseEnvelope(payload, Dsse.InTotoPayloadType, [new DsseSignature(frost.Signature)]) };
            info = info with { Ed25519PublicKey = frost.PublicKeys.GroupPublicKey.ToByteArray() };
            section = section with { FrostJson = ThresholdEvidenceJson.ToJson(ThresholdEvidenceJson.FromPublicKeys(frost.PublicKeys, [1, 2])).ToJsonString() };
        }
        var policy = bindToVictim ? _victim.Host.Policy.Current()! : _attacker.Host.Policy.Current()!;
        var binding = new PolicyBinding(policy.Version, PolicyDigest.Of(policy), PolicyEvidence.ApprovalsDigest(section.Approvals));
        section = new MpcsignSection(section.SessionId, section.ArtifactDigest, section.Policy, section.Approvals, section.FrostJson, section.EnclaveMeasurement)
        {
            TrustPolicy = new PolicyReference(binding.Version, binding.PolicyDigest),
        };
        var certificate = _victim.Host.CertificateAuthority.IssueCodeSigningCertificate(new CodeSigningRequest
        {
            Ed25519PublicKey = info.Ed25519PublicKey, SessionId = info.SessionId, ArtifactDigest = info.ArtifactDigest,
            EnclaveMeasurement = info.EnclaveMeasurement, Policy = bindPolicy ? binding : null,
            Approvers = section.Approvals.Select(a => (a.ParticipantEmail, CaMessages.RoleName(a.Role))).ToList(),
        }, _victim.Clock.GetUtcNow());
        var envelopeJson = SessionPipeline.EnvelopeJson(bundle.DsseEnvelope);
        var pem = PemEncoding.WriteString("CERTIFICATE", certificate) + "\n";
        var body = RekorDsseBody.Create(envelopeJson, bundle.DsseEnvelope.Payload, bundle.DsseEnvelope.Signatures[0].Sig, pem);
        var unlogged = bundle with { CertificateDer = certificate, Mpcsign = SigstoreBundle.RawJson(section.ToJson()), TlogEntries = [] };
        var receipt = await _victim.Host.TransparencyLog.AppendAsync(new LogAppend(body, Convert.ToHexStringLower(info.ArtifactDigest),
            // The log keys its entries by session too: each forgery takes a fresh key (the log's, not the bundle's).
            Guid.NewGuid().ToString("N"), SigstoreBundleJson.Write(unlogged)), CancellationToken.None);
        return SigstoreBundleJson.Write(unlogged with { TlogEntries = [SessionPipeline.TlogEntryElement(receipt, body)] });
    }
}
