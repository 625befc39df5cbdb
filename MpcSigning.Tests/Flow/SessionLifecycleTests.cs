using MpcSigning.Bundle.Mpcsign;
using MpcSigning.Bundle.Sigstore;
using MpcSigning.Hosting;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Flow;

/// <summary>Expiry and crash recovery: each test owns its node, because each moves its clock or restarts it.</summary>
public class SessionLifecycleTests
{
    [Test]
    public async Task Session_ApprovedAfterTtl_IsRefusedAsExpiredAndStaysExpired()
    {
        await using var node = await TestNode.StartAsync();
        var s = await node.RequestAsync();
        await node.ApproveAsync(s, "alice@example.com");
        node.Clock.Advance(TimeSpan.FromMinutes(16));
        var e = Assert.ThrowsAsync<ServiceRefusedException>(() => node.ApproveAsync(s, "bob@example.com"));
        Assert.That(e!.Error.Code, Is.EqualTo("coordinator.session_expired"));
        var status = await node.Host.Client.StatusAsync(s);
        Assert.That((status.Phase, status.Approvers.Count), Is.EqualTo((SessionPhase.Expired, 1)));
    }

    [Test]
    public async Task Coordinator_RestartedAfterTwoApprovals_SignsOnTheThirdWithAllApprovalsInTheBundle()
    {
        await using var node = await TestNode.StartAsync();
        var s = await node.RequestAsync();
        await node.ApproveAsync(s, "alice@example.com");
        await node.ApproveAsync(s, "bob@example.com");
        await node.RestartAsync();
        var done = await node.ApproveAsync(s, "carol@example.com");
        Assert.That(done.Phase, Is.EqualTo(SessionPhase.Completed));
        var bundle = SigstoreBundleJson.Read(done.BundleJson.Memory);
        var section = MpcsignSection.Read(bundle.Mpcsign!.Value);
        Assert.That(section.Approvals.Select(a => a.ParticipantEmail),
            Is.EqualTo(new[] { "alice@example.com", "bob@example.com", "carol@example.com" }));
    }

    [Test]
    public async Task Node_RestartedAfterCompletion_ReportsTheSameBundle()
    {
        await using var node = await TestNode.StartAsync();
        var s = await node.RequestAsync();
        foreach (var who in new[] { "alice@example.com", "bob@example.com", "carol@example.com" }) await node.ApproveAsync(s, who);
        var before = await node.Host.Client.StatusAsync(s);
        await node.RestartAsync();
        var after = await node.Host.Client.StatusAsync(s); // recovered from its events, which saves a snapshot
        Assert.That(after.BundleJson, Is.EqualTo(before.BundleJson));
        Assert.That(after.LogIndex, Is.EqualTo(before.LogIndex));

        var persistenceId = "session-" + Convert.ToHexStringLower(s);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (SnapshotCount(node, persistenceId) == 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.That(SnapshotCount(node, persistenceId), Is.EqualTo(1), "a final session re-read from its events is snapshotted");
        await node.RestartAsync();
        var fromSnapshot = await node.Host.Client.StatusAsync(s);
        Assert.That((fromSnapshot.BundleJson, fromSnapshot.LogIndex, fromSnapshot.Approvers.Count),
            Is.EqualTo((before.BundleJson, before.LogIndex, 3)));
    }

    private static long SnapshotCount(TestNode node, string persistenceId)
    {
        using var c = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + node.Dir.File(MpcSigning.Hosting.Akka.NodeAkkaConfig.JournalFileName));
        c.Open();
        using var q = c.CreateCommand();
        q.CommandText = "SELECT COUNT(*) FROM snapshot WHERE persistence_id = $p AND manifest = 'mpcsign.coordinator.SessionState'";
        q.Parameters.AddWithValue("$p", persistenceId);
        return (long)q.ExecuteScalar()!;
    }
}
