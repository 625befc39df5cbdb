using MpcSigning.Coordinator;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Coordinator;

namespace MpcSigning.Tests.Coordinator;

public class QuorumRuleTests
{
    private static readonly QuorumPolicy OneAndTwo = new() { RequiredEngineers = 1, RequiredStewards = 2 };

    private static ApprovalRecord A(string email, Role role) => new() { ParticipantEmail = email, Role = role };

    [Test]
    public void StillNeeded_NoApprovals_NeedsTheWholePolicy() =>
        Assert.That(QuorumRule.StillNeeded(OneAndTwo, []), Is.EqualTo((1u, 2u)));

    [Test]
    public void IsMet_OneEngineerTwoStewards_IsMet() =>
        Assert.That(QuorumRule.IsMet(OneAndTwo, [A("a@x", Role.Engineer), A("b@x", Role.Steward), A("c@x", Role.Steward)]), Is.True);

    [Test]
    public void IsMet_SameStewardTwiceWithDifferentCase_CountsOnce() =>
        Assert.That(QuorumRule.IsMet(OneAndTwo, [A("a@x", Role.Engineer), A("b@x", Role.Steward), A("B@X", Role.Steward)]), Is.False);

    [Test]
    public void StillNeeded_ExtraEngineers_DoNotReplaceMissingStewards() =>
        Assert.That(QuorumRule.StillNeeded(OneAndTwo, [A("a@x", Role.Engineer), A("d@x", Role.Engineer), A("b@x", Role.Steward)]),
            Is.EqualTo((0u, 1u)));

    [Test]
    public void Validate_PolicyNeedingNobody_IsRefused() =>
        Assert.That(QuorumRule.Validate(new QuorumPolicy()), Does.Contain("at least one approver"));
}
