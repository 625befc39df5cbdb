using MpcSigning.Proto.Common;
using MpcSigning.Proto.Coordinator;

namespace MpcSigning.Coordinator;

/// <summary>A session's state is the fold of its events. Pure: the same events always give the same state.</summary>
public static class SessionFold
{
    public static SessionState Replay(IEnumerable<SessionEvent> events)
    {
        var state = new SessionState();
        foreach (var e in events) Apply(state, e);
        return state;
    }

    public static void Apply(SessionState s, SessionEvent e)
    {
        if (e.Sequence != s.LastSequence + 1)
            throw new InvalidDataException($"session event {e.Sequence} follows {s.LastSequence}: the stream has a gap");
        switch (e.KindCase)
        {
            case SessionEvent.KindOneofCase.Requested:
                var r = e.Requested;
                s.SessionId = r.SessionId;
                s.ArtifactDigest = r.ArtifactDigest;
                s.ArtifactName = r.ArtifactName;
                s.Requester = r.Requester;
                s.Policy = r.Policy;
                s.CreatedAtUnixMs = e.AtUnixMs;
                s.ExpiresAtUnixMs = r.ExpiresAtUnixMs;
                s.Challenge = r.Challenge;
                s.Phase = SessionPhase.AwaitingApprovals;
                break;
            case SessionEvent.KindOneofCase.Approved:
                s.Approvals.Add(e.Approved.Approval);
                break;
            case SessionEvent.KindOneofCase.QuorumReached:
                s.Phase = SessionPhase.Signing;
                break;
            case SessionEvent.KindOneofCase.Signed:
                s.CertificateDer = e.Signed.CertificateDer;
                s.DsseEnvelopeJson = e.Signed.DsseEnvelopeJson;
                s.ThresholdEvidenceJson = e.Signed.ThresholdEvidenceJson;
                break;
            case SessionEvent.KindOneofCase.Logged:
                s.LogIndex = e.Logged.LogIndex;
                s.BundleJson = e.Logged.BundleJson;
                s.Phase = SessionPhase.Completed;
                break;
            case SessionEvent.KindOneofCase.Expired:
                s.Phase = SessionPhase.Expired;
                break;
            case SessionEvent.KindOneofCase.SigningInterrupted:
                s.SigningInterruptions++;
                break;
            case SessionEvent.KindOneofCase.Failed:
                s.Phase = SessionPhase.Failed;
                s.Failure = new ErrorInfo { Code = e.Failed.Code, Message = e.Failed.Reason };
                break;
            default:
                throw new InvalidDataException($"session event {e.Sequence} has no kind");
        }
        s.LastSequence = e.Sequence;
    }

    public static bool IsFinal(SessionPhase phase) =>
        phase is SessionPhase.Completed or SessionPhase.Expired or SessionPhase.Failed;
}
