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
        // Everything that needs no sequence number runs here, on the callers' threads, in parallel: the
        // single writer is the one serial stage, so it only sequences and stores.
        var leaf = Rfc9162.HashLeaf(entry.CanonicalBody);
        var done = new TaskCompletionSource<Sequenced>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Enter();
        try
        {
            if (!_queue.TryAdd(new Pending(entry, leaf, done)))
                throw new TLogException(TLogErrorCode.StorageFailure, "the log is shut down; appends are no longer accepted.");
            // Once queued the append will be sequenced; cancellation only stops the caller from waiting.
            var s = await done.Task.WaitAsync(ct).ConfigureAwait(false);
            // The signed entry timestamp and the proof need only the index and the batch's tree, so they are
            // made while the writer waits for the batch's fsync: signing fills the cores that would idle then.
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
        finally
        {
            _queue.Exit();
        }
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
}
