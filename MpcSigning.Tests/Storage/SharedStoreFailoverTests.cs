using MpcSigning.AuthN.Software;
using MpcSigning.Bundle.Mpcsign;
using MpcSigning.Bundle.Sigstore;
using MpcSigning.Hosting;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Storage;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Storage;

/// <summary>
/// Fail-over through the shared PostgreSQL store: the node holding a session is lost after two acknowledged approvals,
/// and another node, with its own data directory but the same database, carries the session on. In the cluster this
/// is the coordinator singleton moving to another coordinator member: the session actors it creates recover from the
/// same journal.
/// </summary>
public class SharedStoreFailoverTests
{
    [Test]
    public async Task Session_NodeLostAfterTwoApprovals_AnotherNodeOnTheSameDatabaseCompletesItOnce()
    {
        using var database = TestPostgres.CreateDatabase();
        var config = TestNode.Config((StorageOptions.ProviderVariable, "postgresql"), (StorageOptions.ConnectionVariable, database.ConnectionString));
        using var authenticators = new TempDir();
        byte[] s;
        var first = await TestNode.StartAsync(config);
        try
        {
            s = await first.RequestAsync();
            await first.ApproveAsync(s, "alice@example.com");
            await first.ApproveAsync(s, "bob@example.com");
            foreach (var f in Directory.GetFiles(first.AuthenticatorDir)) File.Copy(f, Path.Combine(authenticators.Path, Path.GetFileName(f)));
        }
        finally
        {
            await first.DisposeAsync(); // the node and its data directory are gone
        }

        using var dir = new TempDir();
        TestNode.SeedSimulatedAuthority(dir.Path);
        await using var second = await NodeHost.StartAsync(config, DataDirectory.Open(dir.Path), new ManualClock());
        var status = await second.Client.StatusAsync(s);
        Assert.That(status.Approvers.Select(a => a.Email), Is.EquivalentTo(new[] { "alice@example.com", "bob@example.com" }), "acknowledged approvals survive");

        var assertion = SoftwareAuthenticator.Load(authenticators.Path, "carol@example.com").GetAssertion(status.Challenge.ToByteArray(), second.RelyingParty);
        var done = await second.Client.ApproveAsync(s, "carol@example.com", assertion);
        Assert.That(done.Phase, Is.EqualTo(SessionPhase.Completed));
        var section = MpcsignSection.Read(SigstoreBundleJson.Read(done.BundleJson.Memory).Mpcsign!.Value);
        Assert.That(section.Approvals.Select(a => a.ParticipantEmail),
            Is.EqualTo(new[] { "alice@example.com", "bob@example.com", "carol@example.com" }));
        var logged = await second.TransparencyLog.GetAsync(done.LogIndex);
        Assert.That(logged!.SessionId, Is.EqualTo(Convert.ToHexStringLower(s)));
        Assert.That(await second.TransparencyLog.GetAsync(done.LogIndex + 1), Is.Null, "one entry for the session");
    }
}
