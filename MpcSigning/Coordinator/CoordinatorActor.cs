using Google.Protobuf;
using MpcSigning.Actors;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Hosting;
using MpcSigning.Interop;
using MpcSigning.Proto.Coordinator;

namespace MpcSigning.Coordinator;

/// <summary>
/// Creates one session actor per RequestSigning and routes approvals and status queries to it, re-creating it from the
/// event store when it is not running (after a restart of the node, or once it stopped). Supervises sessions with
/// restart: a failed session rebuilds itself from its events.
/// </summary>
public sealed class CoordinatorActor : ReceiveActor
{
    private readonly SessionDependencies _deps;

    public CoordinatorActor(SessionDependencies deps)
    {
        _deps = deps;
        Receive<RequestSigning>(OnRequestSigning);
        Receive<SubmitApproval>(a => Route(a.SessionId, a, a.RequestId));
        Receive<GetSessionStatus>(g => Route(g.SessionId, g, g.RequestId));
    }

    /// <summary>Sessions cut off mid-signing by a crash resume as soon as the coordinator is back.</summary>
    protected override Task PreStartAsync()
    {
        foreach (var id in _deps.Store.ListSigningInterrupted()) Spawn(id);
        return Task.CompletedTask;
    }

    private void OnRequestSigning(RequestSigning cmd)
    {
        if (cmd.ArtifactDigest.Length != 32)
        {
            Sender.Tell(CoordinatorErrors.Reject(cmd.RequestId, CoordinatorError.InvalidRequest,
                $"the artifact digest must be a 32-byte SHA-256, got {cmd.ArtifactDigest.Length} bytes"));
            Audit.Record("coordinator", cmd.Requester, nameof(RequestSigning), null, "refused: bad digest");
            return;
        }
        var sessionId = new byte[16];
        Sodium.RandomBytes(sessionId);
        var now = _deps.Clock.GetUtcNow();
        var challenge = ApprovalChallenge.Derive(sessionId, cmd.ArtifactDigest.Span);
        var requested = new Requested
        {
            SessionId = ByteString.CopyFrom(sessionId),
            ArtifactDigest = cmd.ArtifactDigest,
            ArtifactName = string.IsNullOrWhiteSpace(cmd.ArtifactName) ? "artifact" : cmd.ArtifactName,
            Requester = cmd.Requester,
            Policy = _deps.Options.Policy,
            ExpiresAtUnixMs = (now + _deps.Options.SessionTtl).ToUnixTimeMilliseconds(),
            Challenge = ByteString.CopyFrom(challenge),
        };
        _deps.Store.Append(sessionId, 0, [new SessionEvent { Sequence = 1, AtUnixMs = now.ToUnixTimeMilliseconds(), Requested = requested }]);
        Spawn(sessionId);
        Sender.Tell(new SigningRequested
        {
            RequestId = cmd.RequestId,
            SessionId = requested.SessionId,
            Challenge = requested.Challenge,
            ExpiresAtUnixMs = requested.ExpiresAtUnixMs,
        });
        Audit.Record("coordinator", cmd.Requester, nameof(RequestSigning), Convert.ToHexStringLower(sessionId), "session created");
    }

    private void Route(ByteString sessionId, object message, string requestId)
    {
        var id = sessionId.ToByteArray();
        var child = Context.Child(ChildName(id));
        if (child is null && id.Length == 16 && _deps.Store.Load(id).Count > 0) child = Spawn(id);
        if (child is null)
        {
            Sender.Tell(CoordinatorErrors.Reject(requestId, CoordinatorError.UnknownSession,
                $"there is no session {Convert.ToHexStringLower(id)}; use the id printed by 'mpcsign request'"));
            Audit.Record("coordinator", "client", message.GetType().Name, Convert.ToHexStringLower(id), "refused: unknown session");
            return;
        }
        child.Tell(message, Sender);
    }

    private IActorRef Spawn(byte[] sessionId) =>
        Context.ActorOf(Props.Create(() => new SessionActor(sessionId, _deps)), ChildName(sessionId));

    private static string ChildName(byte[] sessionId) => "session-" + Convert.ToHexStringLower(sessionId);
}
