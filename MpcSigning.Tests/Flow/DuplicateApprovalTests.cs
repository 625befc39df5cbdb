using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Flow;

/// <summary>An approval by someone who has already approved is a no-op: nothing is verified, stored or advanced.</summary>
public class DuplicateApprovalTests
{
    [Test]
    public async Task Coordinator_SecondApprovalWithAFreshAssertion_ReportsDuplicateAndLeavesTheStoredCounter()
    {
        await using var node = await TestNode.StartAsync();
        var s = await node.RequestAsync();
        await node.ApproveAsync(s, "alice@example.com");
        var before = (await node.Host.Client.FindParticipantAsync("alice@example.com")).SignCount;

        var again = await node.ApproveAsync(s, "alice@example.com"); // a new assertion: a higher counter, valid on its own

        Assert.That(again.DuplicateApproval, Is.True);
        Assert.That(again.Approvers, Has.Count.EqualTo(1));
        Assert.That((await node.Host.Client.FindParticipantAsync("alice@example.com")).SignCount, Is.EqualTo(before),
            "a duplicate must not advance the stored signature counter");
    }
}
