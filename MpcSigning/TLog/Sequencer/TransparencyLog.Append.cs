using MpcSigning.TLog.Checkpoints;
using MpcSigning.TLog.Merkle;
using MpcSigning.TLog.Rekor;
using MpcSigning.TLog.Storage;

namespace MpcSigning.TLog.Sequencer;

public partial class TransparencyLog
{
    /// <summary>An append waiting for its batch, with its leaf hash; completed once the batch is durable.</summary>
    private sealed record Pending(LogAppend Entry, byte[] LeafHash, TaskCompletionSource<Sequenced> Done);

    /// <summary>
    /// Where an entry landed (or why it was refused), the tree its batch makes, and that batch's commit: the
    /// caller may prepare its receipt before <paramref name="Durable"/> completes but returns nothing before.
    /// </summary>
    private sealed record Sequenced(long Index, long IntegratedTime, byte[] Body, Published Tree, Task Durable, TLogException? Refused);

    public async Task<LogReceipt> AppendAsync(LogAppend entry, CancellationToken ct)
    {
        CheckAppend(entry);
        _queue.Enter();
        try
        {
            return await Append(entry, ct).ConfigureAwait(false);
        }
        finally
        {
            _queue.Exit();
        }
    }

    private async Task<LogReceipt> Append(LogAppend entry, CancellationToken ct)
    {
        // Everything that needs no sequence number runs here, on the callers' threads, in parallel: the
        // single writer is the one serial stage, so it only sequences and stores.
        var leaf = Rfc9162.HashLeaf(entry.CanonicalBody);
        var done = new TaskCompletionSource<Sequenced>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.TryAdd(new Pending(entry, leaf, done)))
            throw new TLogException(TLogErrorCode.StorageFailure, "the log is shut down; appends are no longer accepted.");
        // Once queued the append will be sequenced; cancellation only stops the caller from waiting.
        var s = await done.Task.WaitAsync(ct).ConfigureAwait(false);
        // The signed entry timestamp and the proof need only the index and the batch's tree, so they are made
        // while the writer waits for the batch's fsync: signing fills the cores that would idle during it.
        LogReceipt? receipt = null;
        Exception? early = null;
        if (s.Refused is null)
        {
            try { receipt = Receipt(s); }
            catch (Exception e) { early = e; } // a batch that then fails may be overwritten in memory meanwhile
        }
        // Acknowledgement (a receipt, or a refusal decided inside the batch) only once the batch is durable;
        // if it failed, this throws its failure and the receipt is dropped unseen.
        await s.Durable.WaitAsync(ct).ConfigureAwait(false);
        if (s.Refused is not null) throw s.Refused;
        if (early is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(early);
        return receipt!;
    }

    private LogReceipt Receipt(Sequenced s)
    {
        var set = SignedEntryTimestamp.Sign(_key.SecretKey, s.Body, s.IntegratedTime, Identity.LogId, s.Index);
        var tree = s.Tree;
        // Node reads only: the batch hashed its tree's right edge once for all its entries.
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
