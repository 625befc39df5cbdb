using Akka.Actor;
using Google.Protobuf;
using MpcSigning.Proto.Common;
using MpcSigning.Proto.Coordinator;

namespace MpcSigning.Coordinator;

/// <summary>
/// Answers one <see cref="ListSessions"/> for the coordinator without blocking it: asks each live session for its
/// status, collects the answers until all have replied or <see cref="Patience"/> has passed, replies one
/// <see cref="SessionList"/> and stops. A session that refuses (unknown) or does not answer in time is left out.
/// </summary>
internal sealed class SessionLister : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(2);

    private sealed class GiveUp
    {
        public static readonly GiveUp Instance = new();
    }

    private readonly HashSet<IActorRef> _waiting;
    private readonly string _requestId;

    public ITimerScheduler Timers { get; set; } = null!;

    public SessionLister(IReadOnlyList<IActorRef> sessions, IActorRef replyTo, string requestId)
    {
        _requestId = requestId;
        var list = new SessionList { RequestId = requestId };
        var waiting = _waiting = new HashSet<IActorRef>(sessions);
        void Finish()
        {
            replyTo.Tell(list);
            Context.Stop(Self);
        }
        Receive<SessionStatus>(s =>
        {
            if (!waiting.Remove(Sender)) return;
            s.RequestId = "";
            list.Sessions.Add(s);
            if (waiting.Count == 0) Finish();
        });
        Receive<Rejected>(_ =>
        {
            if (waiting.Remove(Sender) && waiting.Count == 0) Finish();
        });
        Receive<GiveUp>(_ => Finish());
        if (waiting.Count == 0) Finish();
    }

    protected override void PreStart()
    {
        if (_waiting.Count == 0) return;
        foreach (var s in _waiting)
            s.Tell(new GetSessionStatus
            {
                RequestId = _requestId, SessionId = ByteString.CopyFrom(Convert.FromHexString(s.Path.Name.AsSpan(SessionActor.PersistencePrefix.Length))),
            });
        Timers.StartSingleTimer(nameof(GiveUp), GiveUp.Instance, Patience);
    }
}
