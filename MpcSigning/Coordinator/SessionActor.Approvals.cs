using Akka.Actor;
using MpcSigning.Hosting;
using MpcSigning.Hosting.Cluster;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Common;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Signing;

namespace MpcSigning.Coordinator;

/// <summary>
/// Approvals and signing. One approval is verified at a time (AuthN's verdict comes back as a message; other approvals
/// wait in the stash meanwhile), persisted, and on quorum the signing steps run outside the actor, each step's outcome
/// persisted before the next starts.
/// </summary>
internal sealed partial class SessionActor
{
    /// <summary>AuthN's verdict on the approval being verified (or why none came).</summary>
    private sealed record ApprovalChecked(object? Verdict, Exception? Error);

    /// <summary>A signing step finished: a <see cref="Signed"/> or <see cref="Logged"/>, or the error that stopped it.</summary>
    private sealed record StepDone(object? Result, Exception? Error);

    /// <summary>
    /// Signing attempts a session makes before it ends failed. Each attempt is bounded in time (the step's cancellation
    /// and every request's timeout), so a session's signing is bounded too, however often the node restarts.
    /// </summary>
    internal const int MaxSigningAttempts = 3;

    private (SubmitApproval Command, IActorRef ReplyTo, string Who)? _verifying;
    private (IActorRef ReplyTo, string RequestId)? _pendingReply;
    private readonly List<(IActorRef ReplyTo, string RequestId)> _signingWaiters = new();
    private bool _signing;
    private int _logAttempts;

    private const string LogRetryTimer = "log-retry";

    /// <summary>The delay before the next attempt of the log step is over.</summary>
    private sealed class RetryLog
    {
        public static readonly RetryLog Instance = new();
    }

    private void OnSubmitApproval(SubmitApproval cmd)
    {
        if (_verifying is not null)
        {
            Stash.Stash(); // one approval at a time: the next is judged against the state the current one leaves
            return;
        }
        if (RefuseUnknown(cmd.RequestId, nameof(SubmitApproval))) return;
        var sender = Sender;
        var who = cmd.ParticipantEmail.Trim().ToLowerInvariant();
        if (string.IsNullOrWhiteSpace(cmd.ParticipantEmail) || cmd.Assertion is null)
        {
            Reply(sender, cmd.RequestId, CoordinatorError.InvalidRequest, "an approval needs the participant's email and a WebAuthn assertion", who);
            return;
        }
        if (RefusalFor(_state.Phase) is { } refusal)
        {
            Reply(sender, cmd.RequestId, refusal.Error, refusal.Message, who);
            return;
        }
        if (Now.ToUnixTimeMilliseconds() >= _state.ExpiresAtUnixMs)
        {
            ExpireNow(sender, cmd.RequestId, who);
            return;
        }
        if (Previous(who) is not null)
        {
            // Already approved: idempotent, nothing changes. Not even verified, because verifying would advance the
            // stored signature counter of a credential whose assertion is then thrown away.
            sender.Tell(Status(cmd.RequestId, duplicate: true));
            Audit.Record("coordinator", who, nameof(SubmitApproval), Id, "duplicate", LinkAttestation.Of(sender));
            return;
        }

        _verifying = (cmd, sender, who);
        _deps.AuthN.Ask<object>(new VerifyApproval
        {
            RequestId = cmd.RequestId,
            SessionId = _state.SessionId,
            ArtifactDigest = _state.ArtifactDigest,
            ParticipantEmail = who,
            Assertion = cmd.Assertion,
            ExpectedRole = cmd.Role,
        }, _deps.Options.ServiceTimeout).PipeTo(Self,
            success: verdict => new ApprovalChecked(verdict, null),
            failure: e => new ApprovalChecked(null, e));
    }

    private void OnApprovalChecked(ApprovalChecked checkedApproval)
    {
        if (_verifying is not { } v) return;
        _verifying = null;
        Stash.UnstashAll();
        var (cmd, sender, who) = v;
        switch (checkedApproval)
        {
            case { Error: { } error }:
                Reply(sender, cmd.RequestId, CoordinatorError.ServiceUnavailable,
                    $"the approval could not be verified ({error.GetBaseException().Message}); nothing was recorded, submit it again", who);
                return;
            case { Verdict: Rejected rejected }:
                sender.Tell(rejected);
                Audit.Record("coordinator", who, nameof(SubmitApproval), Id, "refused: " + rejected.Error.Code, LinkAttestation.Of(sender));
                return;
            case { Verdict: ApprovalVerified verified }:
                Admit(cmd, sender, who, verified.Approval);
                return;
            default:
                Reply(sender, cmd.RequestId, CoordinatorError.ServiceUnavailable,
                    $"AuthN replied {checkedApproval.Verdict?.GetType().Name}; nothing was recorded, submit it again", who);
                return;
        }
    }

    private void Admit(SubmitApproval cmd, IActorRef sender, string who, ApprovalRecord approval)
    {
        if (RefusalFor(_state.Phase) is { } refusal)
        {
            Reply(sender, cmd.RequestId, refusal.Error, refusal.Message, who);
            return;
        }
        if (Now.ToUnixTimeMilliseconds() >= _state.ExpiresAtUnixMs)
        {
            ExpireNow(sender, cmd.RequestId, who);
            return;
        }
        if (Previous(who) is not null)
        {
            sender.Tell(Status(cmd.RequestId, duplicate: true));
            Audit.Record("coordinator", who, nameof(SubmitApproval), Id, "duplicate", LinkAttestation.Of(sender));
            return;
        }
        var approved = new SessionEvent { Approved = new Approved { Approval = approval } };
        var approvals = _state.Approvals.Append(approval).ToArray();
        if (!QuorumRule.IsMet(_state.Policy, approvals))
        {
            PersistEvents([approved], (sender, cmd.RequestId), () =>
            {
                Audit.Record("coordinator", who, nameof(SubmitApproval), Id, "approved as " + Describe(approval.Role), LinkAttestation.Of(sender));
                sender.Tell(Status(cmd.RequestId));
            });
            return;
        }
        // The approval that completes the quorum and the quorum itself are one atomic write: both or neither.
        var reached = new QuorumReached();
        reached.Approvers.AddRange(approvals.Select(a => a.ParticipantEmail));
        PersistEvents([approved, new SessionEvent { QuorumReached = reached }], (sender, cmd.RequestId), () =>
        {
            Timers.Cancel(ExpiryTimer);
            Audit.Record("coordinator", who, nameof(SubmitApproval), Id, "approved as " + Describe(approval.Role), LinkAttestation.Of(sender));
            Audit.Record("coordinator", who, nameof(QuorumReached), Id, "quorum reached", LinkAttestation.Of(sender));
            _signingWaiters.Add((sender, cmd.RequestId));
            EnsureSigning();
        });
    }

    private ApprovalRecord? Previous(string who) =>
        _state.Approvals.FirstOrDefault(a => string.Equals(a.ParticipantEmail, who, StringComparison.OrdinalIgnoreCase));

    private (CoordinatorError Error, string Message)? RefusalFor(SessionPhase phase)
    {
        var expires = DateTimeOffset.FromUnixTimeMilliseconds(_state.ExpiresAtUnixMs);
        return phase switch
        {
            SessionPhase.Completed => (CoordinatorError.SessionFinished, $"session {Id} is already signed and logged; request a new session to sign again"),
            SessionPhase.Failed => (CoordinatorError.SessionFinished, $"session {Id} failed ({_state.Failure?.Message}); request a new session"),
            SessionPhase.Signing => (CoordinatorError.SessionFinished, $"session {Id} already has its quorum and is being signed; no more approvals are needed"),
            SessionPhase.Expired => (CoordinatorError.SessionExpired, $"session {Id} expired at {expires:u}; request a new session"),
            _ => null,
        };
    }

    /// <summary>The TTL has passed but no timer recorded it yet: record it now, then refuse.</summary>
    private void ExpireNow(IActorRef sender, string requestId, string who)
    {
        PersistEvents([new SessionEvent { Expired = new Expired() }], (sender, requestId), () =>
        {
            Timers.Cancel(ExpiryTimer);
            Audit.Record("coordinator", "timer", nameof(ExpireSession), Id, "expired");
            var (error, message) = RefusalFor(_state.Phase)!.Value;
            Reply(sender, requestId, error, message, who);
            PassivateWhenIdle();
        });
    }

    /// <summary>
    /// Approvals that meet the quorum without a QuorumReached: a journal that kept only part of the atomic write that
    /// holds both. The session records the quorum itself (on recovery or the next message) and goes on signing.
    /// </summary>
    private bool QuorumUnrecorded => _state.Phase == SessionPhase.AwaitingApprovals && QuorumRule.IsMet(_state.Policy, _state.Approvals);

    /// <summary>Starts (or resumes) the signing steps unless they are already running.</summary>
    private void EnsureSigning()
    {
        if (QuorumUnrecorded)
        {
            var reached = new QuorumReached();
            reached.Approvers.AddRange(_state.Approvals.Select(a => a.ParticipantEmail));
            PersistEvents([new SessionEvent { QuorumReached = reached }], null, () =>
            {
                Timers.Cancel(ExpiryTimer);
                Audit.Record("coordinator", "recovery", nameof(QuorumReached), Id, "quorum reached");
                EnsureSigning();
            });
            return;
        }
        if (_signing || _state.Phase != SessionPhase.Signing) return;
        _signing = true;
        if (_state.CertificateDer.IsEmpty) RunStep(ct => _deps.Pipeline.SignAsync(_state.Clone(), ct));
        else RunStep(ct => _deps.Pipeline.LogAsync(_state.Clone(), ct));
    }

    private void RunStep<T>(Func<CancellationToken, Task<T>> step) where T : class
    {
        var cts = new CancellationTokenSource(_deps.Options.ServiceTimeout * 4);
        Task<T> task;
        try
        {
            task = step(cts.Token);
        }
        catch (Exception e)
        {
            task = Task.FromException<T>(e);
        }
        task.ContinueWith(t =>
        {
            cts.Dispose();
            return t.IsCompletedSuccessfully
                ? new StepDone(t.Result, null)
                : new StepDone(null, t.Exception?.GetBaseException() ?? new OperationCanceledException("the signing step was cancelled"));
        }, TaskScheduler.Default).PipeTo(Self);
    }

    /// <summary>
    /// Persists each step's outcome before the next starts. A refusal by a signer or the CA fails the session for good;
    /// any other error tells the waiters that signing resumes, then throws so the coordinator restarts this actor,
    /// which recovers from the journal and resumes.
    /// </summary>
    private void OnStepDone(StepDone done)
    {
        switch (done)
        {
            case { Result: Signed signed }:
                PersistEvents([new SessionEvent { Signed = signed }], null, () =>
                {
                    Audit.Record("coordinator", "signers", "Sign", Id, "signed");
                    RunStep(ct => _deps.Pipeline.LogAsync(_state.Clone(), ct));
                });
                break;
            case { Result: Logged logged }:
                PersistEvents([new SessionEvent { Logged = logged }], null, () =>
                {
                    Audit.Record("coordinator", "tlog", "Log", Id, $"logged at index {logged.LogIndex}");
                    FinishSigning();
                });
                break;
            case { Error: SigningRefusedException refused }:
                PersistEvents([new SessionEvent { Failed = new Failed { Code = refused.Code, Reason = refused.Message } }], null, () =>
                {
                    Audit.Record("coordinator", "signers", "Sign", Id, "failed: " + refused.Code);
                    FinishSigning();
                });
                break;
            default:
                var error = done.Error ?? new InvalidOperationException($"a signing step returned {done.Result?.GetType().Name}");
                if (_state.CertificateDer.IsEmpty) OnStepInterrupted(error);
                else OnLogInterrupted(error);
                break;
        }
    }

    /// <summary>
    /// A step failed for a reason a retry may fix. Each such failure is persisted, so the bound holds across restarts
    /// of the actor and of the node: the last allowed one ends the session failed, with the reason; earlier ones tell
    /// the waiters that signing resumes, then throw so the coordinator restarts this actor, which recovers from the
    /// journal and resumes.
    /// </summary>
    private void OnStepInterrupted(Exception error)
    {
        var interrupted = new SessionEvent { SigningInterrupted = new SigningInterrupted { Reason = error.Message } };
        if (_state.SigningInterruptions + 1 >= MaxSigningAttempts)
        {
            var failed = new Failed
            {
                Code = CoordinatorErrors.Code(CoordinatorError.SigningFailed),
                Reason = $"signing failed {MaxSigningAttempts} times; the last attempt: {error.Message}",
            };
            PersistEvents([interrupted, new SessionEvent { Failed = failed }], null, () =>
            {
                Audit.Record("coordinator", "signers", "Sign", Id, $"failed after {MaxSigningAttempts} attempts: " + error.Message);
                FinishSigning();
            });
            return;
        }
        PersistEvents([interrupted], null, () =>
        {
            TellWaitersSigningContinues($"the quorum is recorded but signing did not finish ({error.Message}); it resumes automatically, check 'mpcsign status'");
            Audit.Record("coordinator", "signers", "Sign", Id, "interrupted: " + error.Message);
            throw new SigningInterruptedException($"session {Id}: signing interrupted: {error.Message}", error);
        });
    }

    /// <summary>
    /// The log step failed for a reason a retry may fix (the log member restarting, its singleton moving, a slow batch).
    /// The key, certificate and signature exist and are persisted; the append is idempotent per session, and the log
    /// refuses it once the certificate's notAfter has passed (see LogAppend.IntegrateBefore). So the step is retried
    /// here, with a growing delay and not counted against <see cref="MaxSigningAttempts"/>, until the log answers either
    /// way: a receipt (Completed) or a refusal (Failed, and then no entry can land later). Giving up earlier could leave a
    /// session failed whose entry an append still on its way writes afterwards.
    /// </summary>
    private void OnLogInterrupted(Exception error)
    {
        var delay = LogRetryDelay(_logAttempts++);
        TellWaitersSigningContinues(
            $"the session is signed but the transparency log did not take the entry yet ({error.Message}); it retries automatically, check 'mpcsign status'");
        Audit.Record("coordinator", "tlog", "Log", Id, $"interrupted (attempt {_logAttempts}, next in {delay.TotalSeconds:0.#} s): " + error.Message);
        Timers.StartSingleTimer(LogRetryTimer, RetryLog.Instance, delay);
    }

    /// <summary>0.5 s, doubling, at most 15 s between attempts of the log step.</summary>
    internal static TimeSpan LogRetryDelay(int attempt) => TimeSpan.FromMilliseconds(Math.Min(15_000, 500 << Math.Min(attempt, 5)));

    private void OnRetryLog()
    {
        if (_state.Phase != SessionPhase.Signing || _state.CertificateDer.IsEmpty) return;
        RunStep(ct => _deps.Pipeline.LogAsync(_state.Clone(), ct));
    }

    /// <summary>Answers everyone waiting for the signature that it is not done yet but continues on its own.</summary>
    private void TellWaitersSigningContinues(string message)
    {
        foreach (var (to, requestId) in _signingWaiters)
            to.Tell(new Rejected { RequestId = requestId, Error = Error(CoordinatorErrors.Code(CoordinatorError.SigningFailed), message) });
        _signingWaiters.Clear();
    }

    private void FinishSigning()
    {
        _signing = false;
        foreach (var (to, requestId) in _signingWaiters) to.Tell(Status(requestId));
        _signingWaiters.Clear();
        PassivateWhenIdle();
    }
}

/// <summary>A signing step failed for a reason a retry may fix; the session restarts and resumes from its journal.</summary>
public sealed class SigningInterruptedException(string message, Exception inner) : Exception(message, inner);
