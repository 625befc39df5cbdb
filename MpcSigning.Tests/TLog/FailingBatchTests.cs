using MpcSigning.Storage.Sqlite;
using MpcSigning.TLog;
using MpcSigning.TLog.Checkpoints;
using MpcSigning.TLog.Merkle;
using MpcSigning.TLog.Sequencer;
using MpcSigning.TLog.Storage;
using MpcSigning.TLog.Storage.Sqlite;

namespace MpcSigning.Tests.TLog;

/// <summary>A batch whose commit fails: its callers fail, nothing of it remains, and the next batch reuses its indices.</summary>
public class FailingBatchTests
{
    [Test]
    public async Task Append_BatchCommitFails_CallersFailAndLogContinuesAsBeforeThatBatch()
    {
        using var dir = new TempDataDir();
        var store = new FailingStore(new SqliteLogStore(SqliteDatabase.Open(dir.Open().File("mpcsign.db"))));
        await using (var log = new TestLog(store))
        {
            var first = await log.AppendAsync(TempDataDir.Entry(0), CancellationToken.None);
            var before = await log.LatestCheckpointAsync();
            store.FailNextCommit = true;
            var e = Assert.ThrowsAsync<TLogException>(() => log.AppendAsync(TempDataDir.Entry(1), CancellationToken.None));
            Assert.That(e!.Code, Is.EqualTo(TLogErrorCode.StorageFailure));
            Assert.That(log.Size, Is.EqualTo(1));
            Assert.That(await log.LatestCheckpointAsync(), Is.EqualTo(before));
            var next = await log.AppendAsync(TempDataDir.Entry(2), CancellationToken.None);
            Assert.That(next.LogIndex, Is.EqualTo(first.LogIndex + 1));
            var again = await log.AppendAsync(TempDataDir.Entry(1), CancellationToken.None);
            Assert.That(again.LogIndex, Is.EqualTo(2), "the failed session was never logged, so it is new now");
        }
        await using var reopened = new TestLog(new SqliteLogStore(SqliteDatabase.Open(dir.Open().File("mpcsign.db"))));
        Assert.That(reopened.Size, Is.EqualTo(3));
        var root = ProofBuilder.Root(Rebuild([0, 2, 1]), 3);
        var cp = CheckpointSigner.Verify(await reopened.LatestCheckpointAsync(), reopened.Identity.PublicKey, null, out _, out _);
        Assert.That(cp!.RootHash, Is.EqualTo(root));
    }

    private static HashLevels Rebuild(int[] entries)
    {
        var t = new HashLevels();
        foreach (var i in entries) t.AppendLeafHash(Rfc9162.HashLeaf(TempDataDir.Entry(i).CanonicalBody));
        return t;
    }

    private sealed class TestLog(ILogStore store) : TransparencyLog(store, LogKey.FromSeed(new byte[32]), new TLogOptions(), null);

    /// <summary>The real store, except that a commit can be made to fail after every statement of the batch ran.</summary>
    private sealed class FailingStore(ILogStore inner) : ILogStore
    {
        public volatile bool FailNextCommit;

        public ILogBatch BeginBatch() => new Batch(this, inner.BeginBatch());
        public void Initialize() => inner.Initialize();
        public (long Size, string Checkpoint)? LatestCheckpoint() => inner.LatestCheckpoint();
        public IEnumerable<byte[]> ReadTiles(int tileLevel) => inner.ReadTiles(tileLevel);
        public long CountEntries() => inner.CountEntries();
        public LogEntry? Get(long index) => inner.Get(index);
        public IReadOnlyList<LogEntry> FindByArtifactDigest(string artifactDigestHex) => inner.FindByArtifactDigest(artifactDigestHex);
        public void Dispose() => inner.Dispose();

        private sealed class Batch(FailingStore owner, ILogBatch inner) : ILogBatch
        {
            public void Prepare(IReadOnlyList<string> sessionIds) => inner.Prepare(sessionIds);
            public LogEntry? AddUnlessLogged(SequencedEntry entry) => inner.AddUnlessLogged(entry);

            public void Commit(IReadOnlyList<TileWrite> tiles, long newSize, string checkpoint)
            {
                if (owner.FailNextCommit)
                {
                    owner.FailNextCommit = false;
                    throw new IOException("simulated disk failure");
                }
                inner.Commit(tiles, newSize, checkpoint);
            }

            public void Dispose() => inner.Dispose();
        }
    }
}
