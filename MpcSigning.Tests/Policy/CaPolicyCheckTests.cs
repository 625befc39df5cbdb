using System.Security.Cryptography;
using Google.Protobuf;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Ca;
using MpcSigning.Policy;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Ca;
using MpcSigning.Proto.Policy;

namespace MpcSigning.Tests.Policy;

/// <summary>The CA's own check of the quorum evidence against its current trust policy, before it certifies.</summary>
public class CaPolicyCheckTests
{
    private PolicyFixture _f = null!;
    private readonly byte[] _session = RandomNumberGenerator.GetBytes(16);
    private readonly byte[] _artifact = RandomNumberGenerator.GetBytes(32);

    [SetUp]
    public void SetUp() => _f = new PolicyFixture();

    [TearDown]
    public void TearDown() => _f.Dispose();

    private ApprovalRecord Approval(string email, string name, Role role, PolicyFixture? keysOf = null)
    {
        var a = (keysOf ?? _f).Authenticator(email);
        return new ApprovalRecord
        {
            ParticipantEmail = email, ParticipantName = name, Role = role, PublicKeySpki = ByteString.CopyFrom(a.PublicKeySpki),
            Assertion = a.GetAssertion(ApprovalChallenge.Derive(_session, _artifact), PolicyFixture.Rp),
        };
    }

    private CertifySessionKey Request(TrustPolicy named, params ApprovalRecord[] approvals)
    {
        var m = new CertifySessionKey
        {
            SessionId = ByteString.CopyFrom(_session), ArtifactDigest = ByteString.CopyFrom(_artifact),
            PolicyVersion = named.Version, PolicyDigest = ByteString.CopyFrom(PolicyDigest.Of(named)),
        };
        m.Approvals.AddRange(approvals);
        m.Approvers.AddRange(approvals.Select(a => new CertifiedApprover { Email = a.ParticipantEmail, Role = a.Role }));
        return m;
    }

    private ApprovalRecord[] Quorum() =>
        [Approval("alice@example.com", "Alice", Role.Engineer), Approval("bob@example.com", "Bob", Role.Steward), Approval("carol@example.com", "Carol", Role.Steward)];

    [Test]
    public void QuorumOfThePolicy_IsBound()
    {
        var approvals = Quorum();
        var binding = new CaPolicyCheck(() => _f.V1).Check(Request(_f.V1, approvals))!;
        Assert.That(binding.Version, Is.EqualTo(1u));
        Assert.That(binding.PolicyDigest, Is.EqualTo(PolicyDigest.Of(_f.V1)));
        Assert.That(binding.ApprovalsDigest, Is.EqualTo(PolicyEvidence.ApprovalsDigest(approvals)));
    }

    [Test]
    public void ApprovalWithAKeyNotInThePolicy_IsRefused()
    {
        using var mallory = new PolicyFixture();
        var approvals = Quorum();
        approvals[2] = Approval("carol@example.com", "Carol", Role.Steward, mallory);
        Assert.That(Refusal(Request(_f.V1, approvals)), Does.Contain("credential trust policy v1 does not name"));
    }

    [Test]
    public void TooFewStewards_IsRefused() =>
        Assert.That(Refusal(Request(_f.V1, Quorum()[..2])), Does.Contain("1 steward(s) missing"));

    [Test]
    public void RequestNamingAnotherPolicy_IsRefused()
    {
        using var other = new PolicyFixture();
        Assert.That(Refusal(Request(other.V1, Quorum())), Does.Contain("the CA's current policy is v1"));
    }

    [Test]
    public void ApproversToCertifyThatAreNotTheApprovals_AreRefused()
    {
        var m = Request(_f.V1, Quorum());
        m.Approvers[0].Role = Role.Steward;
        Assert.That(Refusal(m), Does.Contain("not the approvals the request carries"));
    }

    private string Refusal(CertifySessionKey m)
    {
        var e = Assert.Throws<CaException>(() => new CaPolicyCheck(() => _f.V1).Check(m));
        Assert.That(e!.Code, Is.EqualTo(CaErrorCode.PolicyRefused));
        return e.Message;
    }
}
