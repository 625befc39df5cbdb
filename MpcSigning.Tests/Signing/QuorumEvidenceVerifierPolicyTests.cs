using Google.Protobuf;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Proto.Signing;
using MpcSigning.Signing;

namespace MpcSigning.Tests.Signing;

/// <summary>Which quorum rule a signer demands: the configured one, until a trust policy is in force; then the policy's.</summary>
public class QuorumEvidenceVerifierPolicyTests
{
    private static readonly QuorumPolicy Configured = new() { RequiredEngineers = 1, RequiredStewards = 2 };
    private static readonly QuorumPolicy Lowered = new() { RequiredEngineers = 1, RequiredStewards = 1 };

    private static QuorumEvidence Evidence(QuorumPolicy claimed) => new()
    {
        SessionId = ByteString.CopyFrom(new byte[16]), ArtifactDigest = ByteString.CopyFrom(new byte[32]), Policy = claimed,
    };

    private static QuorumEvidenceVerifier Verifier(Func<QuorumPolicy?>? rule) =>
        new((_, _) => Task.FromResult<Participant?>(null), RelyingParty.Default, Configured, rule);

    [Test]
    public async Task WithoutAPolicy_TheConfiguredRuleIsRequired()
    {
        Assert.That(await Verifier(null).CheckAsync(Evidence(Lowered), CancellationToken.None), Does.Contain("this signer requires"));
        Assert.That(await Verifier(() => null).CheckAsync(Evidence(Lowered), CancellationToken.None), Does.Contain("this signer requires"));
    }

    [Test]
    public async Task WithAPolicy_ItsRuleReplacesTheConfiguredOne()
    {
        var verifier = Verifier(() => Lowered);
        Assert.That(await verifier.CheckAsync(Evidence(Configured), CancellationToken.None), Does.Contain("this signer requires"));
        // the claimed rule is accepted; what fails now is only the missing approvals
        Assert.That(await verifier.CheckAsync(Evidence(Lowered), CancellationToken.None), Does.Contain("do not meet the quorum"));
    }
}
