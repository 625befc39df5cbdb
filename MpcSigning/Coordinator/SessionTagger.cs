using Akka.Persistence.Journal;
using MpcSigning.Proto.Coordinator;

namespace MpcSigning.Coordinator;

/// <summary>
/// Tags the session events that open and close the signing step, in the same journal transaction as the event, so a
/// node finds the sessions a crash cut off mid-signing (<see cref="InterruptedSessions"/>) without replaying every
/// session. Bound in the node's HOCON as the journal's write adapter for <see cref="SessionEvent"/>.
/// </summary>
public sealed class SessionTagger : IWriteEventAdapter
{
    public const string SigningStarted = "mpcsign-signing-started";
    public const string SigningEnded = "mpcsign-signing-ended";

    public string Manifest(object evt) => string.Empty;

    public object ToJournal(object evt) => evt is SessionEvent e && TagOf(e) is { } tag ? new Tagged(evt, [tag]) : evt;

    private static string? TagOf(SessionEvent e) => e.KindCase switch
    {
        SessionEvent.KindOneofCase.QuorumReached => SigningStarted,
        SessionEvent.KindOneofCase.Logged or SessionEvent.KindOneofCase.Failed => SigningEnded,
        _ => null,
    };
}
