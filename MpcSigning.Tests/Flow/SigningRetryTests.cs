using MpcSigning.Coordinator;
using MpcSigning.Hosting;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Flow;

/// <summary>Every retry of a session's signing is bounded: a step that keeps failing ends the session failed, with its reason.</summary>
public class SigningRetryTests
{
    /// <summary>A pipeline whose signing step always fails for a reason a retry might fix (a service that never answers well).</summary>
    private sealed class AlwaysInterrupted : ISigningPipeline
    {
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        public Task<Signed> SignAsync(SessionState session, CancellationToken ct)
        {
            Interlocked.Increment(ref _attempts);
            throw new InvalidOperationException("the signers did not answer");
        }

        public Task<Logged> LogAsync(SessionState session, CancellationToken ct) => throw new InvalidOperationException("never reached");
    }

    [Test]
    public async Task Session_SigningKeepsFailing_EndsFailedAfterABoundedNumberOfAttemptsWithTheReason()
    {
        AlwaysInterrupted? pipeline = null;
        await using var node = await TestNode.StartAsync(wrapPipeline: _ => pipeline = new AlwaysInterrupted());
        var s = await node.RequestAsync();
        await node.ApproveAsync(s, "alice@example.com");
        await node.ApproveAsync(s, "bob@example.com");
        try
        {
            var last = await node.ApproveAsync(s, "carol@example.com"); // the waiter hears the final status if the bound is reached first
            Assert.That(last.Phase, Is.EqualTo(SessionPhase.Failed));
        }
        catch (ServiceRefusedException e)
        {
            Assert.That(e.Message, Does.Contain("resumes automatically"));
        }

        // The retries run on their own (restarts of the session actor); wait until the session is final.
        SessionStatus status;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        do
        {
            await Task.Delay(100);
            status = await node.Host.Client.StatusAsync(s);
        } while (status.Phase == SessionPhase.Signing && DateTime.UtcNow < deadline);

        Assert.That(status.Phase, Is.EqualTo(SessionPhase.Failed), "a signing step that always fails must end the session");
        Assert.That(status.Failure.Code, Is.EqualTo("coordinator.signing_failed"));
        Assert.That(status.Failure.Message, Does.Contain("the signers did not answer").And.Contain($"{SessionActor.MaxSigningAttempts} times"));
        Assert.That(pipeline!.Attempts, Is.EqualTo(SessionActor.MaxSigningAttempts));

        // Final: a restarted node does not try again.
        await node.RestartAsync();
        Assert.That((await node.Host.Client.StatusAsync(s)).Phase, Is.EqualTo(SessionPhase.Failed));
    }

    /// <summary>The real pipeline, whose log step first fails <paramref name="failures"/> times, then runs; or is refused.</summary>
    private sealed class FlakyLog(ISigningPipeline inner, int failures, bool refuse = false) : ISigningPipeline
    {
        private int _logAttempts;

        public int LogAttempts => Volatile.Read(ref _logAttempts);

        public Task<Signed> SignAsync(SessionState session, CancellationToken ct) => inner.SignAsync(session, ct);

        public Task<Logged> LogAsync(SessionState session, CancellationToken ct)
        {
            if (refuse)
            {
                Interlocked.Increment(ref _logAttempts);
                throw new MpcSigning.Signing.SigningRefusedException("tlog.deadlinepassed", "the log refused the entry: it arrived after its deadline");
            }
            return Interlocked.Increment(ref _logAttempts) <= failures
                ? throw new TimeoutException("the log did not answer")
                : inner.LogAsync(session, ct);
        }
    }

    /// <summary>
    /// Once signed, the session is not given up while the log is away (its append is idempotent and the log refuses it
    /// past the certificate's notAfter): more failed log attempts than <see cref="SessionActor.MaxSigningAttempts"/>,
    /// then the log answers and the session completes with one entry.
    /// </summary>
    [Test]
    public async Task Session_LogStepFailsMoreThanTheSigningBound_RetriedUntilTheLogAnswersAndCompletes()
    {
        FlakyLog? pipeline = null;
        await using var node = await TestNode.StartAsync(wrapPipeline: p => pipeline = new FlakyLog(p, SessionActor.MaxSigningAttempts + 1));
        var digest = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var s = await node.RequestAsync(digest);
        await node.ApproveAsync(s, "alice@example.com");
        await node.ApproveAsync(s, "bob@example.com");
        var refused = Assert.ThrowsAsync<ServiceRefusedException>(() => node.ApproveAsync(s, "carol@example.com"));
        Assert.That(refused!.Message, Does.Contain("retries automatically"));

        var status = await WaitWhileSigning(node, s, TimeSpan.FromSeconds(60));
        Assert.That(status.Phase, Is.EqualTo(SessionPhase.Completed), status.Failure?.Message);
        Assert.That(pipeline!.LogAttempts, Is.EqualTo(SessionActor.MaxSigningAttempts + 2));
        Assert.That(await node.Host.TransparencyLog.FindByArtifactDigestAsync(Convert.ToHexStringLower(digest)), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Session_LogRefusesTheEntry_EndsFailedAtOnceWithTheLogsReason()
    {
        FlakyLog? pipeline = null;
        await using var node = await TestNode.StartAsync(wrapPipeline: p => pipeline = new FlakyLog(p, 0, refuse: true));
        var s = await node.RequestAsync();
        await node.ApproveAsync(s, "alice@example.com");
        await node.ApproveAsync(s, "bob@example.com");
        var last = await node.ApproveAsync(s, "carol@example.com");
        var status = last.Phase == SessionPhase.Signing ? await WaitWhileSigning(node, s, TimeSpan.FromSeconds(30)) : last;
        Assert.That(status.Phase, Is.EqualTo(SessionPhase.Failed));
        Assert.That(status.Failure.Code, Is.EqualTo("tlog.deadlinepassed"));
        Assert.That(status.Failure.Message, Does.Contain("after its deadline"));
        Assert.That(pipeline!.LogAttempts, Is.EqualTo(1));
    }

    private static async Task<SessionStatus> WaitWhileSigning(TestNode node, byte[] session, TimeSpan within)
    {
        SessionStatus status;
        var deadline = DateTime.UtcNow + within;
        do
        {
            await Task.Delay(100);
            status = await node.Host.Client.StatusAsync(session);
        } while (status.Phase == SessionPhase.Signing && DateTime.UtcNow < deadline);
        return status;
    }
}
