using Akka.Actor;
using Google.Protobuf;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Hosting;
using MpcSigning.Hosting.Cluster;
using MpcSigning.Proto.Coordinator;

namespace MpcSigning.Coordinator;

/// <summary>
/// Creates one persistent session actor per RequestSigning and routes approvals, status queries and resumptions to
/// it, starting it (it recovers from the journal) when it is not running. Sessions that are final ask to be stopped;
/// messages that arrive for a session while it stops are held and delivered to its next incarnation. Supervises
/// sessions with restart: a session whose signing step failed recovers from its journal and resumes.
/// </summary>
public sealed class CoordinatorActor : ReceiveActor
{
    private readonly SessionDependencies _deps;
    private readonly Dictionary<string, List<(object Message, IActorRef Sender)>> _stopping = new();

    public CoordinatorActor(SessionDependencies deps)
    {
        _deps = deps;
        Receive<RequestSigning>(OnRequestSigning);
        Receive<SubmitApproval>(a => Route(a.SessionId, a, a.RequestId));
        Receive<GetSessionStatus>(g => Route(g.SessionId, g, g.RequestId));
        Receive<ResumeSigning>(r => Route(r.SessionId, r, r.RequestId));
        // Answered by a short-lived child that asks each live session, so a slow session never blocks this actor.
        Receive<ListSessions>(l =>
        {
            var live = Context.GetChildren()
                .Where(c => c.Path.Name.StartsWith(SessionActor.PersistencePrefix, StringComparison.Ordinal) && !_stopping.ContainsKey(c.Path.Name)).ToList();
            var replyTo = Sender;
            Context.ActorOf(Props.Create(() => new SessionLister(live, replyTo, l.RequestId)));
        });
        Receive<SessionActor.Passivate>(OnPassivate);
        Receive<Terminated>(OnTerminated);
    }

    /// <summary>A session whose step keeps failing is restarted a few times, then stopped until its next message.</summary>
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: 5, withinTimeRange: TimeSpan.FromMinutes(1), localOnlyDecider: e => e switch
        {
            ActorInitializationException => Directive.Stop,
            _ => Directive.Restart,
        });

    private void OnRequestSigning(RequestSigning cmd)
    {
        if (cmd.ArtifactDigest.Length != 32)
        {
            Sender.Tell(CoordinatorErrors.Reject(cmd.RequestId, CoordinatorError.InvalidRequest,
                $"the artifact digest must be a 32-byte SHA-256, got {cmd.ArtifactDigest.Length} bytes"));
            Audit.Record("coordinator", cmd.Requester, nameof(RequestSigning), null, "refused: bad digest", LinkAttestation.Of(Sender));
            return;
        }
        var sessionId = System.Security.Cryptography.RandomNumberGenerator.GetBytes(16);
        var now = _deps.Clock.GetUtcNow();
        var requested = new Requested
        {
            SessionId = ByteString.CopyFrom(sessionId),
            ArtifactDigest = cmd.ArtifactDigest,
            ArtifactName = string.IsNullOrWhiteSpace(cmd.ArtifactName) ? "artifact" : cmd.ArtifactName,
            Requester = cmd.Requester,
            Policy = _deps.TrustPolicy?.Invoke() is { } trust ? MpcSigning.Policy.PolicyEvidence.Rule(trust) : _deps.Options.Policy,
            ExpiresAtUnixMs = (now + _deps.Options.SessionTtl).ToUnixTimeMilliseconds(),
            Challenge = ByteString.CopyFrom(ApprovalChallenge.Derive(sessionId, cmd.ArtifactDigest.Span)),
        };
        Spawn(ChildName(sessionId), isNew: true).Forward(new StartSession { RequestId = cmd.RequestId, Requested = requested });
    }

    private void Route(ByteString sessionId, object message, string requestId)
    {
        if (sessionId.Length != 16)
        {
            Sender.Tell(CoordinatorErrors.Reject(requestId, CoordinatorError.UnknownSession,
                $"'{Convert.ToHexStringLower(sessionId.Span)}' is not a session id (16 bytes, 32 hex digits); use the id printed by 'mpcsign request'"));
            Audit.Record("coordinator", "client", message.GetType().Name, null, "refused: malformed session id", LinkAttestation.Of(Sender));
            return;
        }
        var name = ChildName(sessionId.Span);
        if (_stopping.TryGetValue(name, out var held))
        {
            held.Add((message, Sender));
            return;
        }
        var child = Context.Child(name);
        if (child.IsNobody()) child = Spawn(name);
        child.Forward(message);
    }

    private void OnPassivate(SessionActor.Passivate p)
    {
        var name = p.Session.Path.Name;
        if (_stopping.ContainsKey(name) || !Context.Child(name).Equals(p.Session)) return;
        _stopping[name] = new();
        p.Session.Tell(SessionActor.Stop.Instance); // after whatever is already in its mailbox
    }

    private void OnTerminated(Terminated t)
    {
        var name = t.ActorRef.Path.Name;
        if (!_stopping.Remove(name, out var held) || held.Count == 0) return;
        var child = Spawn(name);
        foreach (var (message, sender) in held) child.Tell(message, sender);
    }

    private IActorRef Spawn(string name, bool isNew = false)
    {
        var sessionId = Convert.FromHexString(name.AsSpan(SessionActor.PersistencePrefix.Length));
        var child = Context.ActorOf(Props.Create(() => new SessionActor(sessionId, _deps, isNew)), name);
        Context.Watch(child);
        return child;
    }

    private static string ChildName(ReadOnlySpan<byte> sessionId) => SessionActor.PersistencePrefix + Convert.ToHexStringLower(sessionId);
}
