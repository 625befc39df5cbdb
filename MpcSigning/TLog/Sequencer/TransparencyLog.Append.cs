using MpcSigning.TLog.Checkpoints;
using MpcSigning.TLog.Merkle;
using MpcSigning.TLog.Rekor;
using MpcSigning.TLog.Storage;

namespace MpcSigning.TLog.Sequencer;

public partial class TransparencyLog
{
    /// <summary>An append waiting for its batch; completed with its index once the batch is durable.</summary>
    private sealed record Pending(LogAppend Entry, TaskCompletionSource<Sequenced> Done);

    /// <summary>Where an entry landed and the durable tree it was first (or, if already logged, last) seen in.</summary>
    private sealed record Sequenced(long Index, long IntegratedTime, byte[] Body, Published Tree);

    public async Task<LogReceipt> AppendAsync(LogAppend entry, CancellationToken ct)
    {
        CheckAppend(entry);
        var done = new TaskCompletionSource<Sequenced>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Pending(entry, done)))
            throw new TLogException(TLogErrorCode.StorageFailure, "the log is shut down; appends are no longer accepted.");
        // Once queued the append will be sequenced; cancellation only stops the caller from waiting.
        var s = await done.Task.WaitAsync(ct).ConfigureAwait(false);
        // The signed entry timestamp and the proof are built here, on the caller's thread, so the writer
        // is free for the next batch and signing spreads over all cores.
        var set = SignedEntryTimestamp.Sign(_key.SecretKey, s.Body, s.IntegratedTime, Identity.LogId, s.Index);
        var proof = new InclusionProof(s.Index, s.Tree.Size, s.Tree.Root, ProofBuilder.Inclusion(_levels, s.Index, s.Tree.Size));
        return new LogReceipt(s.Index, s.IntegratedTime, Identity.LogId, set, proof, s.Tree.Checkpoint);
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

    private async Task WriteLoop()
    {
        var reader = _queue.Reader;
        var batch = new List<Pending>(_options.MaxBatch);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _options.MaxBatch && reader.TryRead(out var p)) batch.Add(p);
            CommitOne(batch);
        }
    }

    private void CommitOne(List<Pending> batch)
    {
        var oldSize = _levels.Size;
        var bySession = new Dictionary<string, Sequenced>(StringComparer.Ordinal);
        var fresh = new List<SequencedEntry>(batch.Count);
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        var outcomes = new object[batch.Count];
        try
        {
            Span<byte> leaf = stackalloc byte[Rfc9162.HashSize];
            for (var i = 0; i < batch.Count; i++)
            {
                var e = batch[i].Entry;
                var seen = bySession.GetValueOrDefault(e.SessionId) ?? Stored(e.SessionId);
                if (seen is not null)
                {
                    outcomes[i] = seen.Body.AsSpan().SequenceEqual(e.CanonicalBody) ? seen
                        : new TLogException(TLogErrorCode.SessionAlreadyLogged,
                            $"session {e.SessionId} is already logged at index {seen.Index} with a different body; a session gets one entry.");
                    continue;
                }
                var s = new Sequenced(_levels.Size, now, e.CanonicalBody, null!);
                Rfc9162.HashLeaf(e.CanonicalBody, leaf);
                _levels.AppendLeafHash(leaf);
                fresh.Add(new SequencedEntry(s.Index, now, e));
                bySession[e.SessionId] = s;
                outcomes[i] = s;
            }
            var tree = Volatile.Read(ref _published);
            if (fresh.Count > 0)
            {
                var root = ProofBuilder.Root(_levels, _levels.Size);
                var note = CheckpointSigner.Sign(new Checkpoint(_options.Origin, _levels.Size, root), _key, _options.KeyName);
                _store.CommitBatch(fresh, TilesTouched(oldSize, _levels.Size), _levels.Size, note);
                tree = new Published(_levels.Size, root, note);
                Volatile.Write(ref _published, tree);
            }
            for (var i = 0; i < batch.Count; i++)
            {
                if (outcomes[i] is Sequenced s) batch[i].Done.TrySetResult(s with { Tree = tree });
                else batch[i].Done.TrySetException((Exception)outcomes[i]);
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

    private Sequenced? Stored(string sessionId)
    {
        var e = _store.FindBySession(sessionId);
        return e is null ? null : new Sequenced(e.LogIndex, e.IntegratedTime, e.CanonicalBody, null!);
    }
}
