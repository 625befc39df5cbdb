using MpcSigning.Proto.Coordinator;

namespace MpcSigning.Storage;

/// <summary>
/// Append-only store of session events: the coordinator's only durable state. Events are written before the sender
/// is acknowledged; a session's state is the fold of its events.
/// </summary>
public interface ISessionEventStore
{
    /// <summary>
    /// Appends <paramref name="events"/> (numbered from <paramref name="expectedLastSequence"/> + 1) in one transaction.
    /// Throws <see cref="ConcurrentAppendException"/> if another writer appended first; nothing is written then.
    /// </summary>
    void Append(byte[] sessionId, ulong expectedLastSequence, IReadOnlyList<SessionEvent> events);

    /// <summary>All events of a session in order; empty when the session does not exist.</summary>
    IReadOnlyList<SessionEvent> Load(byte[] sessionId);

    /// <summary>Ids of sessions whose last event is QuorumReached or Signed: cut off mid-signing, to resume at start.</summary>
    IReadOnlyList<byte[]> ListSigningInterrupted();
}

/// <summary>Two writers raced on one session stream; the loser's events were not written.</summary>
public sealed class ConcurrentAppendException(string message) : Exception(message);
