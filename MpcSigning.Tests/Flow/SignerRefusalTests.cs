using Akka.Actor;
using Google.Protobuf;
using MpcSigning.Proto.Common;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Proto.Signing;
using MpcSigning.Tests.Support;
using MpcSigning.Tests.TestKit;

namespace MpcSigning.Tests.Flow;

/// <summary>A signer checks the quorum evidence itself: the coordinator alone can never obtain a signature.</summary>
[NonParallelizable]
public class SignerRefusalTests
{
    private TestNode _node = null!;

    [OneTimeSetUp]
    public async Task Start() => _node = await TestNode.StartAsync();

    [OneTimeTearDown]
    public async Task Stop() => await _node.DisposeAsync();

    private async Task<QuorumEvidence> EvidenceAsync(params string[] approvers)
    {
        var s = await _node.RequestAsync();
        var status = await _node.Host.Client.StatusAsync(s);
        var evidence = new QuorumEvidence
        {
            SessionId = ByteString.CopyFrom(s), ArtifactDigest = status.ArtifactDigest,
            Policy = new QuorumPolicy { RequiredEngineers = 1, RequiredStewards = 2 },
        };
        foreach (var who in approvers)
        {
            // Approvals the coordinator really accepted, read back from its events.
            await _node.ApproveAsync(s, who);
        }
        return evidence;
    }

    private Rejected Begin(QuorumEvidence evidence)
    {
        var probe = new NodeTestKit(_node.Host.System).CreateTestProbe();
        var signer = _node.Host.System.ActorSelection("/user/signer-1").ResolveOne(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
        var begin = new FrostDkgBegin { RequestId = "r", Evidence = evidence, Identifier = 1, MinSigners = 2, MaxSigners = 3 };
        begin.Peers.Add(new SignerPeer { Identifier = 1, Address = signer.Path.ToStringWithAddress() });
        probe.Send(signer, begin);
        return probe.ExpectMsg<Rejected>(r => r.Error.Code == "signing.evidence_refused");
    }

    [Test]
    public async Task Signer_EvidenceWithoutApprovals_Refuses() =>
        Assert.That(Begin(await EvidenceAsync()).Error.Message, Does.Contain("do not meet the quorum"));

    [Test]
    public async Task Signer_EvidenceWithLoweredPolicy_Refuses()
    {
        var evidence = await EvidenceAsync();
        evidence.Policy = new QuorumPolicy { RequiredEngineers = 0, RequiredStewards = 0 };
        Assert.That(Begin(evidence).Error.Message, Does.Contain("requires"));
    }

    [Test]
    public async Task Signer_EvidenceWithForgedApproval_Refuses()
    {
        var s = await _node.RequestAsync();
        var assertion = await _node.AssertionAsync(s, "alice@example.com");
        var evidence = new QuorumEvidence
        {
            SessionId = ByteString.CopyFrom(s), ArtifactDigest = (await _node.Host.Client.StatusAsync(s)).ArtifactDigest,
            Policy = new QuorumPolicy { RequiredEngineers = 1, RequiredStewards = 2 },
        };
        var participant = await _node.Host.Client.FindParticipantAsync("alice@example.com");
        var sig = assertion.Signature.ToByteArray();
        sig[^2] ^= 0x10;
        assertion.Signature = ByteString.CopyFrom(sig);
        evidence.Approvals.Add(new MpcSigning.Proto.AuthN.ApprovalRecord
        {
            ParticipantEmail = participant.Email, ParticipantName = participant.Name, Role = participant.Role,
            PublicKeySpki = participant.PublicKeySpki, Assertion = assertion,
        });
        Assert.That(Begin(evidence).Error.Message, Does.Contain("signature"));
    }
}
