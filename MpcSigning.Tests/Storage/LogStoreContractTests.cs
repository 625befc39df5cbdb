using MpcSigning.TLog;
using MpcSigning.TLog.Storage;
using MpcSigning.Tests.TLog;

namespace MpcSigning.Tests.Storage;

/// <summary>
/// The transparency log's store contract, run against SQLite and PostgreSQL alike so the two cannot drift: append and
/// read back, concurrent writers through the sequencer, one entry per session, and a batch cut off before its commit.
/// </summary>
[TestFixtureSource(typeof(StoreUnderTest), nameof(StoreUnderTest.Kinds))]
public class LogStoreContractTests(string kind)
{
    private StoreUnderTest _store = null!;

    [SetUp]
    public void SetUp() => _store = new StoreUnderTest(kind);

    [TearDown]
    public void TearDown() => _store.Dispose();

    [Test]
    public async Task Append_ConcurrentWriters_EachGetsOneIndexAndEverythingReadsBack()
    {
        byte[] root;
        await using (var log = _store.OpenLog())
        {
            var receipts = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => Task.Run(() => log.AppendAsync(TempDataDir.Entry(i), CancellationToken.None))));
            Assert.That(receipts.Select(r => r.LogIndex).Order(), Is.EqualTo(Enumerable.Range(0, 300).Select(i => (long)i)));
            for (var i = 0; i < 300; i += 37)
            {
                var e = await log.GetAsync(receipts[i].LogIndex);
                Assert.That(e!.SessionId, Is.EqualTo($"session-{i}"));
                Assert.That(e.CanonicalBody, Is.EqualTo(TempDataDir.Entry(i).CanonicalBody));
                Assert.That(e.Attachment, Is.EqualTo(new[] { (byte)i }));
            }
            var found = await log.FindByArtifactDigestAsync($"{42:X64}"); // digests are compared lower-cased
            Assert.That(found.Select(f => f.SessionId), Is.EqualTo(new[] { "session-42" }));
            root = receipts.MaxBy(r => r.InclusionProof.TreeSize)!.InclusionProof.RootHash;
        }
        // a restarted writer rebuilds the same tree from the stored tiles and checks it against the last checkpoint
        await using var reopened = _store.OpenLog();
        Assert.That(reopened.Size, Is.EqualTo(300));
        var proof = await reopened.ProveInclusionAsync(0, 300);
        Assert.That(proof.RootHash, Is.EqualTo(root));
    }

    [Test]
    public async Task Append_SameSessionConcurrently_LoggedOnceAndAllGetThatIndex()
    {
        await using var log = _store.OpenLog();
        var appends = await Task.WhenAll(Enumerable.Range(0, 120).Select(i =>
            Task.Run(() => log.AppendAsync(TempDataDir.Entry(i % 3 == 0 ? 1000 : i), CancellationToken.None))));
        var duplicates = appends.Where((_, i) => i % 3 == 0).Select(r => r.LogIndex).Distinct().ToArray();
        Assert.That(duplicates, Has.Length.EqualTo(1));
        Assert.That(log.Size, Is.EqualTo(120 - 40 + 1));
        var other = TempDataDir.Entry(1000) with { CanonicalBody = "{}"u8.ToArray() };
        var refused = Assert.ThrowsAsync<TLogException>(() => log.AppendAsync(other, CancellationToken.None));
        Assert.That(refused!.Code, Is.EqualTo(TLogErrorCode.SessionAlreadyLogged));
    }

    /// <summary>
    /// An append that reaches the writer after its deadline (the session certificate's notAfter) is refused and leaves
    /// nothing behind, unless an earlier append of the same session landed: then it gets that entry, as any repeat does.
    /// </summary>
    [Test]
    public async Task Append_PastItsDeadline_RefusedUnlessTheSessionIsAlreadyLogged()
    {
        await using var log = _store.OpenLog();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var first = await log.AppendAsync(TempDataDir.Entry(1) with { IntegrateBefore = now + 600 }, CancellationToken.None);

        var late = Assert.ThrowsAsync<TLogException>(() => log.AppendAsync(TempDataDir.Entry(2) with { IntegrateBefore = now - 5 }, CancellationToken.None));
        Assert.That(late!.Code, Is.EqualTo(TLogErrorCode.DeadlinePassed));
        Assert.That(late.Message, Does.Contain("session-2").And.Contain("deadline"));
        Assert.That(log.Size, Is.EqualTo(1), "nothing of the late append is logged");
        Assert.That(await log.FindByArtifactDigestAsync($"{2:x64}"), Is.Empty);

        var repeat = await log.AppendAsync(TempDataDir.Entry(1) with { IntegrateBefore = now - 5 }, CancellationToken.None);
        Assert.That(repeat.LogIndex, Is.EqualTo(first.LogIndex), "the session's entry, landed before the deadline");
        var changed = TempDataDir.Entry(1) with { CanonicalBody = "{}"u8.ToArray(), IntegrateBefore = now - 5 };
        Assert.That(Assert.ThrowsAsync<TLogException>(() => log.AppendAsync(changed, CancellationToken.None))!.Code,
            Is.EqualTo(TLogErrorCode.SessionAlreadyLogged));

        // a late append in a batch with timely ones refuses only itself
        var mixed = await Task.WhenAll(Enumerable.Range(10, 20).Select(i => Task.Run(async () =>
        {
            try
            {
                return (await log.AppendAsync(TempDataDir.Entry(i) with { IntegrateBefore = i % 2 == 0 ? now + 600 : now - 5 }, CancellationToken.None)).LogIndex;
            }
            catch (TLogException e) when (e.Code == TLogErrorCode.DeadlinePassed)
            {
                return -1;
            }
        })));
        Assert.That(mixed.Where((_, k) => (10 + k) % 2 == 1), Is.All.EqualTo(-1L));
        Assert.That(mixed.Where((_, k) => (10 + k) % 2 == 0).Order(), Is.EqualTo(Enumerable.Range(1, 10).Select(i => (long)i)));
        Assert.That(log.Size, Is.EqualTo(11));
    }

    [Test]
    public void AddUnlessLogged_SessionStagedOrCommitted_ReturnsTheLoggedEntry()
    {
        using var store = _store.OpenLogStore();
        using (var tx = store.BeginBatch())
        {
            Assert.That(tx.AddUnlessLogged(At(0, 5)), Is.Null);
            Assert.That(tx.AddUnlessLogged(At(1, 5))?.LogIndex, Is.Zero, "staged earlier in the same batch");
            tx.Commit([new TileWrite(0, 0, new byte[32])], 1, "n1");
        }
        using (var tx = store.BeginBatch())
        {
            Assert.That(tx.AddUnlessLogged(At(1, 5))?.LogIndex, Is.Zero, "committed by an earlier batch");
            tx.Commit([], 1, "n1");
        }
        Assert.That(store.CountEntries(), Is.EqualTo(1));
        Assert.That(store.LatestCheckpoint(), Is.EqualTo(((long)1, "n1")));
        Assert.That(store.ReadTiles(0).Single(), Has.Length.EqualTo(32));
    }

    [Test]
    public void AddUnlessLogged_IndexTakenByAnotherSession_FailsInsteadOfOverwriting()
    {
        using var store = _store.OpenLogStore();
        using (var tx = store.BeginBatch())
        {
            tx.AddUnlessLogged(At(0, 0));
            // a store may stage rows until the commit: the batch fails there at the latest, and as a whole
            Assert.That(() =>
            {
                tx.AddUnlessLogged(At(0, 1));
                tx.Commit([new TileWrite(0, 0, new byte[64])], 2, "n2");
            }, Throws.InstanceOf<System.Data.Common.DbException>());
        }
        Assert.That((store.CountEntries(), store.LatestCheckpoint()), Is.EqualTo((0L, ((long Size, string Checkpoint)?)null)));
    }

    [Test]
    public void Prepare_SomeSessionsLoggedSomeRepeatedSomeNotNamed_EachAnsweredAsWithoutIt()
    {
        using var store = _store.OpenLogStore();
        using (var tx = store.BeginBatch())
        {
            tx.AddUnlessLogged(At(0, 10));
            tx.AddUnlessLogged(At(1, 11));
            tx.Commit([new TileWrite(0, 0, new byte[64])], 2, "n2");
        }
        using (var tx = store.BeginBatch())
        {
            tx.Prepare([TempDataDir.Entry(11).SessionId, TempDataDir.Entry(12).SessionId, TempDataDir.Entry(12).SessionId, "session-never"]);
            Assert.That(tx.AddUnlessLogged(At(2, 11))?.LogIndex, Is.EqualTo(1), "logged by the earlier batch, named");
            Assert.That(tx.AddUnlessLogged(At(2, 12)), Is.Null, "new, named");
            Assert.That(tx.AddUnlessLogged(At(3, 12))?.LogIndex, Is.EqualTo(2), "repeated within the batch");
            Assert.That(tx.AddUnlessLogged(At(3, 10))?.LogIndex, Is.Zero, "logged by the earlier batch, not named");
            Assert.That(tx.AddUnlessLogged(At(3, 13)), Is.Null, "new, not named");
            tx.Commit([new TileWrite(0, 0, new byte[128])], 4, "n4");
        }
        Assert.That(store.CountEntries(), Is.EqualTo(4));
        Assert.That(Enumerable.Range(0, 4).Select(i => store.Get(i)!.SessionId),
            Is.EqualTo(new[] { 10, 11, 12, 13 }.Select(i => TempDataDir.Entry(i).SessionId)));
        Assert.That(store.Get(2)!.CanonicalBody, Is.EqualTo(TempDataDir.Entry(12).CanonicalBody));
        Assert.That(store.Get(3)!.Attachment, Is.EqualTo(TempDataDir.Entry(13).Attachment));
        Assert.That(store.FindByArtifactDigest(TempDataDir.Entry(13).ArtifactDigestHex).Single().LogIndex, Is.EqualTo(3));
    }

    [Test]
    public async Task Batch_WriterGoneBeforeCommit_NothingOfItStoredAndTheLogContinues()
    {
        await using (var log = _store.OpenLog())
            for (var i = 0; i < 5; i++) await log.AppendAsync(TempDataDir.Entry(i), CancellationToken.None);
        // a writer that dies mid-batch: rows staged, its connection closed without a commit
        var dying = _store.OpenLogStore();
        var tx = dying.BeginBatch();
        for (var i = 5; i < 50; i++) tx.AddUnlessLogged(At(i, i));
        dying.Dispose();

        await using var reopened = _store.OpenLog();
        Assert.That(reopened.Size, Is.EqualTo(5));
        var next = await reopened.AppendAsync(TempDataDir.Entry(7), CancellationToken.None);
        Assert.That(next.LogIndex, Is.EqualTo(5));
        Assert.That((await reopened.GetAsync(5))!.SessionId, Is.EqualTo("session-7"));
        Assert.That(await reopened.GetAsync(6), Is.Null);
    }

    private static SequencedEntry At(long index, int entry) => new(index, 1_700_000_000, TempDataDir.Entry(entry));
}
