using MpcSigning.TLog.Checkpoints;
using MpcSigning.TLog.Merkle;
using MpcSigning.TLog.Rekor;
using MpcSigning.TLog.Storage;

namespace MpcSigning.TLog.Sequencer;

public partial class TransparencyLog
{
    /// <summary>An append waiting for its batch, with its leaf hash; completed once the batch is durable.</summary>
    private sealed record Pending(LogAppend Entry, byte[] LeafHash, TaskCompletionSource<Sequenced> Done);

    /// <summary>Where an entry landed and the durable tree it was first (or, if already logged, last) seen in.</summary>
    private sealed record Sequenced(long Index, long IntegratedTime, byte[] Body, Published Tree);

    public async Task<LogReceipt> AppendAsync(LogAppend entry, CancellationToken ct)
    {
        CheckAppend(entry);
        // Everything that needs no sequence number runs here, on the callers' threads, in parallel: the
        // single writer is the one serial stage, so it only sequences and stores.
        var leaf = Rfc9162.HashLeaf(entry.CanonicalBody);
        var done = new TaskCompletionSource<Sequenced>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.TryAdd(new Pending(entry, leaf, done)))
            throw new TLogException(TLogErrorCode.StorageFailure, "the log is shut down; appends are no longer accepted.");
        // Once queued the append will be sequenced; cancellation only stops the caller from waiting.
        var s = await done.Task.WaitAsync(ct).ConfigureAwait(false);
        // Likewise the signed entry timestamp and the proof: signing spreads over all cores, and the proof is
        // node reads only, because the batch published its tree's right edge.
        var set = SignedEntryTimestamp.Sign(_key.SecretKey, s.Body, s.IntegratedTime, Identity.LogId, s.Index);
        var tree = s.Tree;
        var proof = new InclusionProof(s.Index, tree.Size, tree.Root, ProofBuilder.Inclusion(_levels, s.Index, tree.Size, tree.Edge));
        return new LogReceipt(s.Index, s.IntegratedTime, Identity.LogId, set, proof, tree.Checkpoint);
    }

    private static void CheckAppend(LogAppend entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.CanonicalBody is not { Length: > 0 })
            throw new TLogException(TLogErrorCode.InvalidArgument, "the entry body is empty; pass the Rekor dsse body from RekorDsseBody.Create.");
        if (string.IsNullOrEmpty(entry.SessionId))
            throw new TLogException(TLogErrorCode.InvalidArgument, "the entry has no session id; every entry belongs to one signing session.");
        if (entry.ArtifactDigestHex is null || entry.Attachment is null)
            throw new TLogException(TLogErrorCode.InvalidArgument, "the entry needs an artifact digest and an attachment (may be empty).");
    }

    /// <summary>The writer thread: takes whatever waits (up to MaxBatch) and commits it as one batch.</summary>
    private void WriteLoop()
    {
        try
        {
            var batch = new List<Pending>(_options.MaxBatch);
            while (_queue.TakeBatch(ref batch, _options.MaxBatch))
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
        try
        {
            var tree = Volatile.Read(ref _published);
            using (var tx = _store.BeginBatch())
            {
                for (var i = 0; i < batch.Count; i++)
                    outcomes[i] = Sequence(tx, batch[i], now);
                if (_levels.Size > oldSize)
                {
                    var edge = RightEdge.Compute(_levels, _levels.Size);
                    var note = CheckpointSigner.Sign(new Checkpoint(_options.Origin, _levels.Size, edge.Root), _key, _options.KeyName);
                    tx.Commit(TilesTouched(oldSize, _levels.Size), _levels.Size, note);
                    tree = new Published(_levels.Size, edge.Root, note, edge);
                    Volatile.Write(ref _published, tree);
                }
            }
            for (var i = 0; i < batch.Count; i++)
            {
                var o = outcomes[i];
                if (o.Refused is null) batch[i].Done.TrySetResult(new Sequenced(o.Index, o.IntegratedTime, o.Body, tree));
                else batch[i].Done.TrySetException(o.Refused);
            }
        }
        catch (Exception e)
        {
            // Nothing of this batch is durable (the transaction rolled back): forget it in memory too.
            _levels.Truncate(oldSize);
            var failure = e as TLogException ?? new TLogException(TLogErrorCode.StorageFailure,
                $"the log could not commit a batch of {batch.Count} entries: {e.Message}. Check disk space and the data directory.", e);
            foreach (var p in batch) p.Done.TrySetException(failure);
        }
    }

    /// <summary>
    /// Gives the entry the next index unless its session is already logged (in an earlier batch or earlier in
    /// this one): then it gets the existing place if the body is the same, and is refused if not.
    /// </summary>
    private Outcome Sequence(ILogBatch tx, Pending p, long now)
    {
        var e = p.Entry;
        var logged = tx.AddUnlessLogged(new SequencedEntry(_levels.Size, now, e));
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
}
