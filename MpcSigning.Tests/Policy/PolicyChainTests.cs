using System.Security.Cryptography;
using Google.Protobuf;
using MpcSigning.Policy;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Policy;

namespace MpcSigning.Tests.Policy;

/// <summary>verify's walk from the pinned version: each step approved by the OLD version's stewards per its rule.</summary>
public class PolicyChainTests
{
    private PolicyFixture _f = null!;

    [SetUp]
    public void SetUp() => _f = new PolicyFixture();

    [TearDown]
    public void TearDown() => _f.Dispose();

    private TrustPolicy EnrolDave(TrustPolicy from) =>
        PolicyChanges.Enrol(from, _f.Authenticator("dave@example.com").ToParticipant("Dave", Role.Steward), 1_700_000_001_000);

    [Test]
    public void ChangeApprovedByTheOldRulesStewards_IsAccepted()
    {
        var v2 = EnrolDave(_f.V1);
        var verified = PolicyChain.Verify(RoundTrip(_f.ChainWith(v2, "bob@example.com", "carol@example.com")), _f.Pin);
        Assert.That(verified.Select(v => v.Version), Is.EqualTo(new uint[] { 1, 2 }));
        Assert.That(verified[^1].Participants.Select(p => p.Email), Does.Contain("dave@example.com"));
    }

    [Test]
    public void ChangeApprovedByFewerStewardsThanTheOldRule_IsRefused()
    {
        var chain = _f.ChainWith(EnrolDave(_f.V1), "bob@example.com");
        Assert.That(Refusal(chain), Does.Contain("approved by 1 steward(s) of v1; its rule needs 2"));
    }

    [Test]
    public void ChangeApprovedByAnEngineer_IsRefused()
    {
        var chain = _f.ChainWith(EnrolDave(_f.V1), "bob@example.com", "alice@example.com");
        Assert.That(Refusal(chain), Does.Contain("alice@example.com is engineer in trust policy v1; only a steward may approve this"));
    }

    /// <summary>A rule lowered in v2 does not count for v2 itself: the OLD version's rule decides.</summary>
    [Test]
    public void ChangeThatLowersTheRule_StillNeedsTheOldRule()
    {
        var v2 = PolicyChanges.ChangeRule(_f.V1, 1, 1, 1_700_000_001_000);
        Assert.That(Refusal(_f.ChainWith(v2, "carol@example.com")), Does.Contain("its rule needs 2"));
    }

    [Test]
    public void ApprovalWithAKeyNotInThePolicy_IsRefused()
    {
        var v2 = EnrolDave(_f.V1);
        var chain = _f.ChainWith(v2, "bob@example.com");
        var session = chain.Versions[1].ChangeSessionId.ToByteArray();
        using var mallory = new PolicyFixture(); // same names and emails, other keys
        chain.Versions[1].Approvals.Add(_f.Approve("carol@example.com", "Carol", Role.Steward, v2, session, mallory.Authenticator("carol@example.com")));
        Assert.That(Refusal(chain), Does.Contain("was made with a credential trust policy v1 does not name"));
    }

    [Test]
    public void ApprovalClaimingARoleThePolicyDoesNotGive_IsRefused()
    {
        var v2 = EnrolDave(_f.V1);
        var chain = _f.ChainWith(v2, "bob@example.com");
        chain.Versions[1].Approvals.Add(_f.Approve("alice@example.com", "Alice", Role.Steward, v2, chain.Versions[1].ChangeSessionId.ToByteArray()));
        Assert.That(Refusal(chain), Does.Contain("alice@example.com approved as steward, but trust policy v1 gives them engineer"));
    }

    [Test]
    public void VersionNotReachableFromThePin_IsRefused()
    {
        // A v2 whose previous digest is another v1 (an attacker's own bootstrap).
        using var other = new PolicyFixture();
        var forged = other.ChainWith(PolicyChanges.Enrol(other.V1, other.Authenticator("dave@example.com").ToParticipant("Dave", Role.Steward), 1),
            "bob@example.com", "carol@example.com");
        var chain = new TrustPolicyChain { Versions = { new SignedTrustPolicy { Policy = _f.V1 }, forged.Versions[1] } };
        Assert.That(Refusal(chain), Does.Contain("does not name v1's digest"));
        Assert.That(Refusal(forged), Does.Contain("no version of the trust policy has the pinned fingerprint"));
    }

    [Test]
    public void ApprovalsForAnotherVersion_DoNotCarryOver()
    {
        var v2 = EnrolDave(_f.V1);
        var chain = _f.ChainWith(v2, "bob@example.com", "carol@example.com");
        // Same approvals, policy swapped for a different v2 (Dave enrolled as engineer instead).
        chain.Versions[1].Policy = PolicyChanges.Enrol(_f.V1, _f.Authenticator("dave@example.com").ToParticipant("Dave", Role.Engineer), 1_700_000_001_000);
        Assert.That(Refusal(chain), Does.Contain("does not verify"));
    }

    [Test]
    public void SkippedVersionNumber_IsRefused()
    {
        var v2 = EnrolDave(_f.V1);
        v2.Version = 3;
        Assert.That(Refusal(_f.ChainWith(v2, "bob@example.com", "carol@example.com")), Does.Contain("versions must count up by one"));
    }

    [Test]
    public void RevokedSteward_CannotApproveTheNextChange()
    {
        var v2Real = EnrolDave(_f.V1);
        var chain = _f.ChainWith(v2Real, "bob@example.com", "carol@example.com");
        var session = RandomNumberGenerator.GetBytes(16);
        var v3 = PolicyChanges.Revoke(v2Real, "carol@example.com", 1_700_000_002_000);
        var signed3 = new SignedTrustPolicy { Policy = v3, ChangeSessionId = ByteString.CopyFrom(session) };
        signed3.Approvals.Add(_f.Approve("bob@example.com", "Bob", Role.Steward, v3, session));
        signed3.Approvals.Add(_f.Approve("dave@example.com", "Dave", Role.Steward, v3, session));
        chain.Versions.Add(signed3);
        Assert.That(PolicyChain.Verify(chain, _f.Pin), Has.Count.EqualTo(3));
        var v4 = PolicyChanges.ChangeRule(v3, 0, 1, 1_700_000_003_000);
        var signed4 = new SignedTrustPolicy { Policy = v4, ChangeSessionId = ByteString.CopyFrom(session) };
        signed4.Approvals.Add(_f.Approve("carol@example.com", "Carol", Role.Steward, v4, session));
        signed4.Approvals.Add(_f.Approve("bob@example.com", "Bob", Role.Steward, v4, session));
        chain.Versions.Add(signed4);
        Assert.That(Refusal(chain), Does.Contain("carol@example.com is not a participant of trust policy v3"));
    }

    [Test]
    public void StewardEnrolledByTypingRoleSteward_IsNotAStepWithoutApprovals()
    {
        var chain = _f.ChainWith(EnrolDave(_f.V1));
        Assert.That(Refusal(chain), Does.Contain("approved by 0 steward(s)"));
    }

    private static TrustPolicyChain RoundTrip(TrustPolicyChain c) => PolicyJson.ReadChain(PolicyJson.WriteChain(c));

    private string Refusal(TrustPolicyChain chain)
    {
        var e = Assert.Throws<PolicyException>(() => PolicyChain.Verify(RoundTrip(chain), _f.Pin));
        Assert.That(e!.Message, Does.Not.Contain("\n"));
        return e.Message;
    }
}

/// <summary>A hostile chain file: any mutation of a valid one is read, or refused with <see cref="PolicyException"/>, never anything else.</summary>
public class PolicyChainParserTests
{
    [FsCheck.NUnit.Property(MaxTest = 400)]
    public FsCheck.Property MutatedChain_IsReadOrRefusedInOneLine() =>
        FsCheck.Fluent.Prop.ForAll(FsCheck.Fluent.ArbMap.Default.ArbFor<int>(), FsCheck.Fluent.ArbMap.Default.ArbFor<byte>(),
            FsCheck.Fluent.ArbMap.Default.ArbFor<bool>(), (at, value, truncate) =>
        {
            var bytes = Valid.Value;
            var i = (int)((uint)at % bytes.Length);
            var mutated = truncate ? bytes[..i] : bytes.ToArray();
            if (!truncate) mutated[i] = value;
            try
            {
                var chain = PolicyJson.ReadChain(mutated);
                PolicyChain.Verify(chain, PolicyDigest.Of(chain.Versions.Count > 0 ? chain.Versions[0].Policy : new TrustPolicy()));
                return true;
            }
            catch (PolicyException e)
            {
                return !e.Message.Contains('\n');
            }
        });

    private static readonly Lazy<byte[]> Valid = new(() =>
    {
        using var f = new PolicyFixture();
        var v2 = PolicyChanges.Enrol(f.V1, f.Authenticator("dave@example.com").ToParticipant("Dave", Role.Steward), 1_700_000_001_000);
        return PolicyJson.WriteChain(f.ChainWith(v2, "bob@example.com", "carol@example.com"));
    });
}
