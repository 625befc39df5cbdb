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
}
