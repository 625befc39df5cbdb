using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Google.Protobuf;
using MpcSigning.Hosting;
using MpcSigning.Hosting.Cluster;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Common;
using MpcSigning.Proto.Coordinator;

namespace MpcSigning.Coordinator;

/// <summary>Everything a session actor needs, injected by the coordinator.</summary>
public sealed record SessionDependencies(IActorRef AuthN, ISigningPipeline Pipeline, TimeProvider Clock, CoordinatorOptions Options)
{
    /// <summary>
    /// The trust policy in force (null: none). A new session takes its quorum rule from it, not from the configured
    /// REQUIRED_ENGINEERS/REQUIRED_STEWARDS: the policy's rule is what the CA and every verifier enforce, and it changes
    /// only by a change the stewards approved, while the configuration is a file on one machine.
    /// </summary>
    public Func<Proto.Policy.TrustPolicy?>? TrustPolicy { get; init; }
}

/// <summary>
/// One persistent actor per signing session (the per-request actor shape). Its events are the <c>proto/</c>
/// <see cref="SessionEvent"/>s, written by the Akka.Persistence journal before anyone is acknowledged; its state is
/// their fold (<see cref="SessionFold"/>), recovered from the journal (and a snapshot once final) whenever it starts.
/// It schedules its own expiry, gathers approvals until the quorum is met, drives signing, replies, and asks its
/// parent to stop it once final.
/// </summary>
internal sealed partial class SessionActor : ReceivePersistentActor, IWithTimers
{
    /// <summary>Timer message: the session's TTL has passed.</summary>
    private sealed class ExpireSession
    {
        public static readonly ExpireSession Instance = new();
    }

    /// <summary>Self message: the quorum is persisted but the session is not logged yet; go on signing.</summary>
    private sealed class ContinueSigning
    {
        public static readonly ContinueSigning Instance = new();
    }

    /// <summary>To the parent: this session is final and idle; stop it (messages for it are held until it has stopped).</summary>
    internal sealed record Passivate(IActorRef Session);

    /// <summary>From the parent: stop now (sent in order after every message already routed to the session).</summary>
    internal sealed class Stop
    {
        public static readonly Stop Instance = new();
    }

    public const string PersistencePrefix = "session-";
    private const string ExpiryTimer = "expiry";
    private const string ResumeTimer = "resume-signing";

    /// <summary>Wait before signing attempt n + 1 after n failed ones: the configured delay (5 s), then three times it.</summary>
    private TimeSpan SigningResumeDelay(int failed) => _deps.Options.SigningRetryDelay * Math.Pow(3, Math.Clamp(failed, 1, 4) - 1);

    private readonly byte[] _sessionId;
    private readonly SessionDependencies _deps;
    private SessionState _state = new();

    private bool _new;
    private bool _fromSnapshot;
    private bool _persistFailed;

    /// <param name="isNew">A session the coordinator has just created (a fresh random id): nothing to recover.</param>
    public SessionActor(byte[] sessionId, SessionDependencies deps, bool isNew = false)
    {
        _new = isNew;
        _sessionId = sessionId;
        _deps = deps;
        PersistenceId = PersistencePrefix + Convert.ToHexStringLower(sessionId);

        Recover<SnapshotOffer>(offer =>
        {
            _state = ((SessionState)offer.Snapshot).Clone();
            _fromSnapshot = true;
        });
        Recover<SessionEvent>(e => SessionFold.Apply(_state, e));
        Recover<RecoveryCompleted>(_ => OnRecovered());

        Command<StartSession>(OnStart);
        Command<SubmitApproval>(OnSubmitApproval);
        Command<ApprovalChecked>(OnApprovalChecked);
        Command<GetSessionStatus>(g =>
        {
            if (RefuseUnknown(g.RequestId, nameof(GetSessionStatus))) return;
            Sender.Tell(Status(g.RequestId));
            Audit.Record("coordinator", "client", nameof(GetSessionStatus), Id, "ok", LinkAttestation.Of(Sender));
        });
        Command<ResumeSigning>(OnResume);
        Command<ContinueSigning>(_ => EnsureSigning());
        Command<StepDone>(OnStepDone);
        Command<RetryLog>(_ => OnRetryLog());
        Command<ExpireSession>(_ => OnExpire());
        Command<SaveSnapshotSuccess>(_ => { });
        Command<SaveSnapshotFailure>(f => Context.GetLogger().Warning("session {0}: snapshot not saved ({1}); recovery replays the events", Id, f.Cause.Message));
        Command<Stop>(_ => Context.Stop(Self));
    }

    public override string PersistenceId { get; }

    /// <summary>A new session skips the snapshot load and the replay; the journal still confirms its stream is empty.</summary>
    public override Recovery Recovery => _new ? Recovery.None : base.Recovery;

    /// <summary>A restarted session recovers from the journal, however it was first created.</summary>
    public override void AroundPostRestart(Exception cause, object message)
    {
        _new = false;
        base.AroundPostRestart(cause, message);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private string Id => Convert.ToHexStringLower(_sessionId);

    private DateTimeOffset Now => _deps.Clock.GetUtcNow();

    private bool Exists => _state.LastSequence > 0;

    /// <summary>
    /// A final session recovered from its events is saved as a snapshot, so every later read of it (status, a late
    /// approval) loads one row. Taken when a session is first re-read rather than when it completes, which keeps the
    /// write off the signing path.
    /// </summary>
    private void OnRecovered()
    {
        if (SessionFold.IsFinal(_state.Phase) && !_fromSnapshot) SaveSnapshot(_state.Clone());
        switch (_state.Phase)
        {
            case SessionPhase.Signing when _state.SigningInterruptions > 0 && _state.CertificateDer.IsEmpty:
                // restarted after a failed attempt: give whatever failed (a signer or the CA restarting, a singleton
                // moving) time to come back before the next of the few attempts a session has
                Timers.StartSingleTimer(ResumeTimer, ContinueSigning.Instance, SigningResumeDelay((int)_state.SigningInterruptions));
                break;
            case SessionPhase.AwaitingApprovals when QuorumUnrecorded:
            case SessionPhase.Signing:
                Self.Tell(ContinueSigning.Instance);
                break;
            case SessionPhase.AwaitingApprovals:
                ScheduleExpiry();
                break;
        }
    }

    private void OnStart(StartSession start)
    {
        if (Exists)
        {
            Sender.Tell(CoordinatorErrors.Reject(start.RequestId, CoordinatorError.InvalidRequest, $"session {Id} already exists"));
            return;
        }
        var sender = Sender;
        PersistEvents([new SessionEvent { Requested = start.Requested }], (sender, start.RequestId), () =>
        {
            ScheduleExpiry();
            sender.Tell(new SigningRequested
            {
                RequestId = start.RequestId,
                SessionId = _state.SessionId,
                Challenge = _state.Challenge,
                ExpiresAtUnixMs = _state.ExpiresAtUnixMs,
            });
            Audit.Record("coordinator", _state.Requester, nameof(RequestSigning), Id, "session created", LinkAttestation.Of(sender));
        });
    }

    private void OnResume(ResumeSigning resume)
    {
        if (RefuseUnknown(resume.RequestId, nameof(ResumeSigning))) return;
        if (_state.Phase == SessionPhase.Signing || QuorumUnrecorded)
        {
            _signingWaiters.Add((Sender, resume.RequestId));
            EnsureSigning();
        }
        else
        {
            Sender.Tell(Status(resume.RequestId));
        }
    }

    /// <summary>A session that does not exist answers every command as unknown and stops.</summary>
    private bool RefuseUnknown(string requestId, string what)
    {
        if (Exists) return false;
        Sender.Tell(CoordinatorErrors.Reject(requestId, CoordinatorError.UnknownSession,
            $"there is no session {Id}; use the id printed by 'mpcsign request'"));
        Audit.Record("coordinator", "client", what, Id, "refused: unknown session", LinkAttestation.Of(Sender));
        PassivateWhenIdle();
        return true;
    }

    private void ScheduleExpiry()
    {
        var left = DateTimeOffset.FromUnixTimeMilliseconds(_state.ExpiresAtUnixMs) - Now;
        Timers.StartSingleTimer(ExpiryTimer, ExpireSession.Instance, left > TimeSpan.Zero ? left : TimeSpan.Zero);
    }

    private void OnExpire()
    {
        if (_verifying is not null)
        {
            Stash.Stash(); // decided once the approval being verified is in or out
            return;
        }
        if (_state.Phase != SessionPhase.AwaitingApprovals) return;
        if (Now.ToUnixTimeMilliseconds() < _state.ExpiresAtUnixMs)
        {
            ScheduleExpiry(); // the timer fired early (or the clock was moved back)
            return;
        }
        PersistEvents([new SessionEvent { Expired = new Expired() }], null, () =>
        {
            Audit.Record("coordinator", "timer", nameof(ExpireSession), Id, "expired");
            PassivateWhenIdle();
        });
    }

    /// <summary>
    /// Writes the events through the journal as one atomic write, then applies them and runs <paramref name="then"/>.
    /// Commands arriving meanwhile wait (Persist stashes them). A failed write stops the actor without applying
    /// anything: see <see cref="OnPersistFailure"/>.
    /// </summary>
    private void PersistEvents(SessionEvent[] events, (IActorRef ReplyTo, string RequestId)? waiting, Action then)
    {
        var sequence = _state.LastSequence;
        foreach (var e in events)
        {
            e.Sequence = ++sequence;
            e.AtUnixMs = Now.ToUnixTimeMilliseconds();
        }
        _pendingReply = waiting;
        var left = events.Length;
        PersistAll(events, persisted =>
        {
            SessionFold.Apply(_state, persisted);
            CrashPoint.AfterPersisted(persisted.KindCase.ToString());
            if (--left > 0) return;
            _pendingReply = null;
            then();
        });
    }

    /// <summary>
    /// The journal could not write an event: nothing was applied, and Akka stops this actor (its state may no longer
    /// match the journal). Whoever is waiting hears why; the next message to the session recovers it from the journal.
    /// </summary>
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        if (_persistFailed) return; // one report per failed write, however many events it held
        _persistFailed = true;
        var what = @event is SessionEvent e ? e.KindCase.ToString() : @event.GetType().Name;
        var why = cause.GetBaseException().Message;
        var message = what switch
        {
            nameof(SessionEvent.KindOneofCase.Requested) => $"the session could not be recorded ({why}); nothing was created, request again",
            nameof(SessionEvent.KindOneofCase.Approved) => $"session {Id}: the approval could not be recorded ({why}); nothing changed, approve again",
            nameof(SessionEvent.KindOneofCase.QuorumReached) =>
                $"session {Id}: the quorum could not be recorded ({why}); it is recorded and signed automatically, check 'mpcsign status'",
            _ => $"session {Id}: the {what} event could not be recorded ({why}); it resumes automatically, check 'mpcsign status'",
        };
        Context.Parent.Tell(new Passivate(Self)); // before anyone hears of it, so the next message finds a recovered session
        if (_pendingReply is { } p) p.ReplyTo.Tell(CoordinatorErrors.Reject(p.RequestId, CoordinatorError.StoreUnavailable, message));
        foreach (var (to, requestId) in _signingWaiters) to.Tell(CoordinatorErrors.Reject(requestId, CoordinatorError.StoreUnavailable, message));
        Audit.Record("coordinator", "journal", what, Id, "not recorded: " + cause.GetBaseException().Message);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        OnPersistFailure(cause, @event, sequenceNr);
    }

    /// <summary>Final sessions are stopped by the parent once idle; the next message recovers them from the snapshot.</summary>
    private void PassivateWhenIdle()
    {
        if (_verifying is null && !_signing && _signingWaiters.Count == 0) Context.Parent.Tell(new Passivate(Self));
    }

    private SessionStatus Status(string requestId, bool duplicate = false)
    {
        var (engineers, stewards) = QuorumRule.StillNeeded(_state.Policy, _state.Approvals);
        var status = new SessionStatus
        {
            RequestId = requestId,
            SessionId = ByteString.CopyFrom(_sessionId),
            ArtifactDigest = _state.ArtifactDigest,
            Phase = _state.Phase,
            EngineersNeeded = engineers,
            StewardsNeeded = stewards,
            ExpiresAtUnixMs = _state.ExpiresAtUnixMs,
            DuplicateApproval = duplicate,
            LogIndex = _state.LogIndex,
            BundleJson = _state.BundleJson,
            Challenge = _state.Challenge,
            ArtifactName = _state.ArtifactName,
            Requester = _state.Requester,
            Policy = _state.Policy?.Clone(),
        };
        if (_state.Failure is not null) status.Failure = _state.Failure;
        status.Approvers.AddRange(_state.Approvals.Select(a =>
            new ApproverSummary { Name = a.ParticipantName, Email = a.ParticipantEmail, Role = a.Role }));
        return status;
    }

    private void Reply(IActorRef to, string requestId, CoordinatorError error, string message, string who)
    {
        to.Tell(CoordinatorErrors.Reject(requestId, error, message));
        Audit.Record("coordinator", who, nameof(SubmitApproval), Id, "refused: " + CoordinatorErrors.Code(error), LinkAttestation.Of(to));
    }

    private static string Describe(Role role) => role == Role.Engineer ? "engineer" : role == Role.Steward ? "steward" : "unknown role";

    private static ErrorInfo Error(string code, string message) => new() { Code = code, Message = message };
}
