using Google.Protobuf;
using MpcSigning.Actors;
using MpcSigning.Hosting;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Common;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Storage;

namespace MpcSigning.Coordinator;

/// <summary>Everything a session actor needs, injected by the coordinator.</summary>
public sealed record SessionDependencies(
    ISessionEventStore Store, IActorRef AuthN, ISigningPipeline Pipeline, TimeProvider Clock, CoordinatorOptions Options);

/// <summary>
/// One actor per signing session (the per-request actor shape): rebuilds its state from the event store when it starts,
/// schedules its own expiry, gathers approvals until the quorum is met, drives signing, replies, and stops when final.
/// Every event is persisted before the sender is acknowledged.
/// </summary>
internal sealed partial class SessionActor : ReceiveActor
{
    /// <summary>Internal timeout: the session's TTL has passed.</summary>
    internal sealed class ExpireSession
    {
        public static readonly ExpireSession Instance = new();
    }

    /// <summary>Internal: resume signing after a restart (quorum persisted, bundle not yet).</summary>
    internal sealed class ContinueSigning
    {
        public static readonly ContinueSigning Instance = new();
    }

    private readonly byte[] _sessionId;
    private readonly SessionDependencies _deps;
    private SessionState _state = new();
    private ICancelable? _expiry;

    public SessionActor(byte[] sessionId, SessionDependencies deps)
    {
        _sessionId = sessionId;
        _deps = deps;
        ReceiveAsync<SubmitApproval>(OnSubmitApprovalAsync);
        Receive<GetSessionStatus>(g =>
        {
            Sender.Tell(Status(g.RequestId));
            Audit.Record("coordinator", "client", nameof(GetSessionStatus), Id, "ok");
        });
        Receive<ExpireSession>(_ => OnExpire());
        ReceiveAsync<ContinueSigning>(_ => ContinueSigningAsync(null, ""));
    }

    private string Id => Convert.ToHexStringLower(_sessionId);

    private DateTimeOffset Now => _deps.Clock.GetUtcNow();

    protected override Task PreStartAsync()
    {
        _state = SessionFold.Replay(_deps.Store.Load(_sessionId));
        switch (_state.Phase)
        {
            case SessionPhase.AwaitingApprovals:
                ScheduleExpiry();
                break;
            case SessionPhase.Signing:
                Self.Tell(ContinueSigning.Instance);
                break;
        }
        return Task.CompletedTask;
    }

    private void ScheduleExpiry()
    {
        var left = DateTimeOffset.FromUnixTimeMilliseconds(_state.ExpiresAtUnixMs) - Now;
        _expiry = Context.ScheduleTellOnce(left > TimeSpan.Zero ? left : TimeSpan.Zero, ExpireSession.Instance);
    }

    private void OnExpire()
    {
        if (_state.Phase != SessionPhase.AwaitingApprovals) return;
        if (Now.ToUnixTimeMilliseconds() < _state.ExpiresAtUnixMs)
        {
            ScheduleExpiry(); // the timer fired early
            return;
        }
        Persist(new SessionEvent { Expired = new Expired() });
        Audit.Record("coordinator", "timer", nameof(ExpireSession), Id, "expired");
        Context.Stop(Self);
    }

    /// <summary>Writes the event, then applies it: a failed write leaves the state untouched.</summary>
    private void Persist(params SessionEvent[] events)
    {
        var seq = _state.LastSequence;
        foreach (var e in events)
        {
            e.Sequence = ++seq;
            e.AtUnixMs = Now.ToUnixTimeMilliseconds();
        }
        _deps.Store.Append(_sessionId, _state.LastSequence, events);
        foreach (var e in events) SessionFold.Apply(_state, e);
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
        };
        if (_state.Failure is not null) status.Failure = _state.Failure;
        status.Approvers.AddRange(_state.Approvals.Select(a =>
            new ApproverSummary { Name = a.ParticipantName, Email = a.ParticipantEmail, Role = a.Role }));
        return status;
    }

    private void Reply(IActorRef to, string requestId, CoordinatorError error, string message, string who)
    {
        to.Tell(CoordinatorErrors.Reject(requestId, error, message));
        Audit.Record("coordinator", who, nameof(SubmitApproval), Id, "refused: " + CoordinatorErrors.Code(error));
    }

    private static string Describe(Role role) => role == Role.Engineer ? "engineer" : role == Role.Steward ? "steward" : "unknown role";

    private static ErrorInfo Error(string code, string message) => new() { Code = code, Message = message };
}
