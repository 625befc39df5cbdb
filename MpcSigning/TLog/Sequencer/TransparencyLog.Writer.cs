using MpcSigning.TLog.Checkpoints;
using MpcSigning.TLog.Merkle;
using MpcSigning.TLog.Storage;

namespace MpcSigning.TLog.Sequencer;

// The writer: the one serial stage, sequencing each batch in one transaction and one fsync.
public partial class TransparencyLog
{
    /// <summary>Longest wait for appends already under way to join a batch (see <see cref="AppendQueue{T}.TakeBatch"/>):
    /// well under one fsync, so a batch never waits longer for company than its commit takes anyway.</summary>
    private static readonly TimeSpan Linger = TimeSpan.FromMicroseconds(200);

    /// <summary>The writer thread: takes whatever waits (up to MaxBatch) and commits it as one batch.</summary>
    private void WriteLoop()
    {
        try
        {
            var batch = new List<Pending>(_options.MaxBatch);
            while (_queue.TakeBatch(ref batch, _options.MaxBatch, Linger))
            {
                CommitOne(batch);
                batch.Clear();
            }
        }
        finally
        {
            _writerDone.TrySetResult();
        }
    }

    /// <summary>What happened to one append of a batch: its (new or existing) place, or why it was refused.</summary>
    private readonly record struct Outcome(long Index, long IntegratedTime, byte[] Body, TLogException? Refused);

    private void CommitOne(List<Pending> batch)
    {
        var oldSize = _levels.Size;
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        var outcomes = new Outcome[batch.Count];
        var durable = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            using (var tx = _store.BeginBatch())
            {
                tx.Prepare(batch.ConvertAll(p => p.Entry.SessionId));
                for (var i = 0; i < batch.Count; i++)
                    outcomes[i] = Sequence(tx, batch[i], now);
                if (_levels.Size == oldSize)
                {
                    // Only sessions logged before: nothing to commit, their receipts use the newest durable tree.
                    Release(batch, outcomes, Volatile.Read(ref _published), durable.Task);
                }
                else
                {
                    var edge = RightEdge.Compute(_levels, _levels.Size);
                    var note = CheckpointSigner.Sign(new Checkpoint(_options.Origin, _levels.Size, edge.Root), _key, _options.KeyName);
                    var tree = new Published(_levels.Size, edge.Root, note, edge);
                    Release(batch, outcomes, tree, durable.Task);
                    tx.Commit(TilesTouched(oldSize, _levels.Size), _levels.Size, note);
                    Volatile.Write(ref _published, tree);
                }
            }
            durable.SetResult();
        }
        catch (Exception e)
        {
            // Nothing of this batch is durable (the transaction rolled back): forget it in memory too.
            _levels.Truncate(oldSize);
            var failure = e as TLogException ?? new TLogException(TLogErrorCode.StorageFailure,
                $"the log could not commit a batch of {batch.Count} entries: {e.Message}. Check disk space and the data directory.", e);
            durable.TrySetException(failure);
            foreach (var p in batch) p.Done.TrySetException(failure); // callers not yet released
        }
    }

    /// <summary>Tells each caller its place before the commit, so it can prepare its receipt during the fsync.</summary>
    private static void Release(List<Pending> batch, Outcome[] outcomes, Published tree, Task durable)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            var o = outcomes[i];
            batch[i].Done.TrySetResult(new Sequenced(o.Index, o.IntegratedTime, o.Body, tree, durable, o.Refused));
        }
    }

    /// <summary>
    /// Gives the entry the next index unless its session is already logged (in an earlier batch or earlier in
    /// this one): then it gets the existing place if the body is the same, and is refused if not.
    /// </summary>
    private Outcome Sequence(ILogBatch tx, Pending p, long now)
    {
        var e = p.Entry;
        LogEntry? logged;
        if (e.IntegrateBefore is { } deadline && now > deadline)
        {
            // Too late to integrate: only a session logged by an earlier append still gets its entry. Refused here,
            // inside the batch, so nothing can land later than the caller was told.
            logged = LoggedBefore(e);
            if (logged is null)
                return new Outcome(0, 0, [], new TLogException(TLogErrorCode.DeadlinePassed,
                    $"the entry of session {e.SessionId} arrived after its deadline ({DateTimeOffset.FromUnixTimeSeconds(deadline):u}, " +
                    "its certificate's notAfter) and was not logged; request a new signing session."));
        }
        else
        {
            logged = tx.AddUnlessLogged(new SequencedEntry(_levels.Size, now, e));
        }
        if (logged is null)
        {
            var index = _levels.Size;
            _levels.AppendLeafHash(p.LeafHash);
            return new Outcome(index, now, e.CanonicalBody, null);
        }
        return logged.CanonicalBody.AsSpan().SequenceEqual(e.CanonicalBody)
            ? new Outcome(logged.LogIndex, logged.IntegratedTime, logged.CanonicalBody, null)
            : new Outcome(0, 0, [], new TLogException(TLogErrorCode.SessionAlreadyLogged,
                $"session {e.SessionId} is already logged at index {logged.LogIndex} with a different body; a session gets one entry."));
    }

    /// <summary>The committed entry of a late append's session (found by its digest), if an earlier append landed.</summary>
    private LogEntry? LoggedBefore(LogAppend e) =>
        _store.FindByArtifactDigest(e.ArtifactDigestHex).FirstOrDefault(x => x.SessionId == e.SessionId);
}
