using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Persistence;
using Akka.Persistence.TestKit;
using MpcSigning.Hosting;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Coordinator;

/// <summary>
/// The journal refuses a write (Akka.Persistence.TestKit's TestJournal in place of the SQL journal): the command is
/// refused with a clear error, nothing of it is applied, and the session goes on afterwards.
/// </summary>
public class JournalFailureTests
{
    private static readonly Config TestJournalConfig = ConfigurationFactory.ParseString($$"""
        akka.persistence.journal.plugin = "akka.persistence.journal.test"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.test"
        akka.persistence.journal.test { {{MpcSigning.Hosting.Akka.NodeAkkaConfig.EventAdapters}} }
        """).WithFallback(ConfigurationFactory.FromResource<TestJournal>("Akka.Persistence.TestKit.config.conf"));

    /// <summary>Fails the next write of an event of <paramref name="kind"/> (at <paramref name="sequence"/>, if given).</summary>
    private sealed class FailOnce(SessionEvent.KindOneofCase kind, ulong sequence = 0) : IJournalInterceptor
    {
        public int Failed;

        public Task InterceptAsync(IPersistentRepresentation message)
        {
            var payload = message.Payload is Akka.Persistence.Journal.Tagged t ? t.Payload : message.Payload;
            if (payload is SessionEvent e && e.KindCase == kind && (sequence == 0 || e.Sequence == sequence)
                && Interlocked.CompareExchange(ref Failed, 1, 0) == 0)
                throw new TestJournalFailureException("simulated journal write failure");
            return Task.CompletedTask;
        }
    }

    private static async Task<(TestNode Node, FailOnce Failure)> StartFailingOnce(SessionEvent.KindOneofCase kind, ulong sequence = 0)
    {
        var node = await TestNode.StartAsync(configureAkka: b => b.AddHocon(TestJournalConfig, HoconAddMode.Prepend));
        var failure = new FailOnce(kind, sequence);
        var journal = TestJournal.FromRef(Persistence.Instance.Apply(node.Host.System).JournalFor(null));
        await journal.OnWrite.SetInterceptorAsync(failure);
        return (node, failure);
    }

    [Test]
    public async Task Approval_JournalWriteFails_IsRefusedNothingChangesAndTheSessionGoesOn()
    {
        var (node, failure) = await StartFailingOnce(SessionEvent.KindOneofCase.Approved);
        await using var _ = node;
        var s = await node.RequestAsync();

        var refused = Assert.ThrowsAsync<ServiceRefusedException>(() => node.ApproveAsync(s, "alice@example.com"));
        Assert.That(refused!.Error.Code, Is.EqualTo("coordinator.store_unavailable"));
        Assert.That(refused.Message, Does.Contain("could not be recorded").And.Contain("approve again"));
        Assert.That(failure.Failed, Is.EqualTo(1));
        var after = await node.Host.Client.StatusAsync(s);
        Assert.That((after.Phase, after.Approvers.Count), Is.EqualTo((SessionPhase.AwaitingApprovals, 0)));

        await node.ApproveAsync(s, "alice@example.com");
        await node.ApproveAsync(s, "bob@example.com");
        var done = await node.ApproveAsync(s, "carol@example.com");
        Assert.That((done.Phase, done.Approvers.Count), Is.EqualTo((SessionPhase.Completed, 3)));
    }

    [Test]
    public async Task Request_JournalWriteFails_IsRefusedAndTheNextRequestWorks()
    {
        var (node, _) = await StartFailingOnce(SessionEvent.KindOneofCase.Requested);
        await using var __ = node;
        var refused = Assert.ThrowsAsync<ServiceRefusedException>(() => node.RequestAsync());
        Assert.That(refused!.Message, Does.Contain("nothing was created"));
        var s = await node.RequestAsync();
        Assert.That((await node.Host.Client.StatusAsync(s)).Phase, Is.EqualTo(SessionPhase.AwaitingApprovals));
    }

    [Test]
    public async Task CompletingApproval_JournalWriteFails_IsRefusedWholeAndCanBeRepeated()
    {
        // Events 1-3: Requested, Alice, Bob. Event 4 is Carol's approval, written atomically with QuorumReached.
        var (node, _) = await StartFailingOnce(SessionEvent.KindOneofCase.Approved, sequence: 4);
        await using var __ = node;
        var s = await node.RequestAsync();
        await node.ApproveAsync(s, "alice@example.com");
        await node.ApproveAsync(s, "bob@example.com");
        var refused = Assert.ThrowsAsync<ServiceRefusedException>(() => node.ApproveAsync(s, "carol@example.com"));
        Assert.That(refused!.Message, Does.Contain("nothing changed, approve again"));
        var after = await node.Host.Client.StatusAsync(s);
        Assert.That((after.Phase, after.Approvers.Count), Is.EqualTo((SessionPhase.AwaitingApprovals, 2)),
            "the approval that completes the quorum and the quorum are written together or not at all");

        var done = await node.ApproveAsync(s, "carol@example.com");
        Assert.That((done.Phase, done.Approvers.Count), Is.EqualTo((SessionPhase.Completed, 3)));
    }

    [Test]
    public async Task QuorumReached_LostWhileTheApprovalWasKept_SessionRecordsTheQuorumItselfAndSigns()
    {
        // The test journal keeps the first event of an atomic write and fails the second: the partial write a real
        // SQL journal never does. The session must not be stuck with a met but unrecorded quorum.
        var (node, _) = await StartFailingOnce(SessionEvent.KindOneofCase.QuorumReached);
        await using var __ = node;
        var s = await node.RequestAsync();
        await node.ApproveAsync(s, "alice@example.com");
        await node.ApproveAsync(s, "bob@example.com");
        var refused = Assert.ThrowsAsync<ServiceRefusedException>(() => node.ApproveAsync(s, "carol@example.com"));
        Assert.That(refused!.Error.Code, Is.EqualTo("coordinator.store_unavailable"));

        var status = await node.Host.Client.ResumeSigningAsync(s);
        Assert.That((status.Phase, status.Approvers.Count), Is.EqualTo((SessionPhase.Completed, 3)));
    }

    [Test]
    public async Task Signed_JournalWriteFails_SigningResumesAndLogsOnce()
    {
        var (node, failure) = await StartFailingOnce(SessionEvent.KindOneofCase.Signed);
        await using var __ = node;
        var digest = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var s = await node.RequestAsync(digest);
        await node.ApproveAsync(s, "alice@example.com");
        await node.ApproveAsync(s, "bob@example.com");
        var refused = Assert.ThrowsAsync<ServiceRefusedException>(() => node.ApproveAsync(s, "carol@example.com"));
        Assert.That(refused!.Message, Does.Contain("resumes automatically"));
        Assert.That(failure.Failed, Is.EqualTo(1));

        var status = await node.Host.Client.ResumeSigningAsync(s);
        Assert.That((status.Phase, status.Approvers.Count), Is.EqualTo((SessionPhase.Completed, 3)));
        Assert.That(await node.Host.TransparencyLog.FindByArtifactDigestAsync(Convert.ToHexStringLower(digest)), Has.Count.EqualTo(1));
    }
}
