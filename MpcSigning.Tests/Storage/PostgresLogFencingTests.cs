using MpcSigning.TLog;
using MpcSigning.TLog.Storage;
using MpcSigning.TLog.Storage.Postgres;
using MpcSigning.Tests.TLog;

namespace MpcSigning.Tests.Storage;

/// <summary>
/// The log's writer fence on PostgreSQL: two writers on one database (the old singleton, cut off but still running,
/// and its successor). Only the newest can commit; the old one's batches fail before anything is written.
/// </summary>
public class PostgresLogFencingTests
{
    private StoreUnderTest _store = null!;

    [SetUp]
    public void SetUp() => _store = new StoreUnderTest(StoreUnderTest.Postgres);

    [TearDown]
    public void TearDown() => _store.Dispose();

    [Test]
    public void BeginBatch_AfterAnotherWriterOpened_IsFencedAndWritesNothing()
    {
        var old = (PostgresLogStore)_store.OpenLogStore();
        using (var tx = old.BeginBatch())
        {
            tx.AddUnlessLogged(new SequencedEntry(0, 1, TempDataDir.Entry(0)));
            tx.Commit([], 1, "n1");
        }
        var successor = (PostgresLogStore)_store.OpenLogStore();
        Assert.That(successor.Epoch, Is.GreaterThan(old.Epoch));

        var e = Assert.Throws<TLogException>(() => old.BeginBatch().Dispose());
        Assert.That(e!.Message, Does.Contain("fenced"));
        using (var tx = successor.BeginBatch())
        {
            Assert.That(tx.AddUnlessLogged(new SequencedEntry(1, 1, TempDataDir.Entry(1))), Is.Null);
            tx.Commit([], 2, "n2");
        }
        Assert.That(successor.CountEntries(), Is.EqualTo(2));
        old.Dispose();
        successor.Dispose();
    }

    [Test]
    public async Task Batch_OpenWhenSuccessorTakesOver_CommitsFirstAndSuccessorSeesIt()
    {
        var old = (PostgresLogStore)_store.OpenLogStore();
        var tx = old.BeginBatch(); // holds the writer row until it commits
        tx.AddUnlessLogged(new SequencedEntry(0, 1, TempDataDir.Entry(0)));
        var takeover = Task.Run(_store.OpenLogStore);
        tx.Commit([], 1, "n1");
        tx.Dispose();
        using var successor = await takeover;
        Assert.That(successor.CountEntries(), Is.EqualTo(1));
        Assert.That(() => old.BeginBatch(), Throws.InstanceOf<TLogException>());
        old.Dispose();
    }

    [Test]
    public async Task Append_OnFencedLog_RefusedWithStorageFailure_SuccessorContinues()
    {
        await using var old = _store.OpenLog();
        await old.AppendAsync(TempDataDir.Entry(0), CancellationToken.None);
        await using var successor = _store.OpenLog();
        var refused = Assert.ThrowsAsync<TLogException>(() => old.AppendAsync(TempDataDir.Entry(1), CancellationToken.None));
        Assert.That(refused!.Code, Is.EqualTo(TLogErrorCode.StorageFailure));
        var next = await successor.AppendAsync(TempDataDir.Entry(2), CancellationToken.None);
        Assert.That(next.LogIndex, Is.EqualTo(1));
        Assert.That(successor.Size, Is.EqualTo(2));
    }
}
