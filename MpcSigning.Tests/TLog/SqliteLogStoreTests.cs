using MpcSigning.Storage.Sqlite;
using MpcSigning.TLog;
using MpcSigning.TLog.Storage;
using MpcSigning.TLog.Storage.Sqlite;

namespace MpcSigning.Tests.TLog;

/// <summary>The store's batch: all or nothing, and the session check folded into the insert.</summary>
public class SqliteLogStoreTests
{
    [Test]
    public void Batch_DisposedWithoutCommit_NothingStored()
    {
        using var dir = new TempDataDir();
        using var store = Open(dir);
        using (var tx = store.BeginBatch())
        {
            Assert.That(tx.AddUnlessLogged(At(0, 0)), Is.Null);
            Assert.That(tx.AddUnlessLogged(At(1, 1)), Is.Null);
        }
        Assert.That(store.CountEntries(), Is.Zero);
        Assert.That(store.LatestCheckpoint(), Is.Null);
    }

    [Test]
    public void Batch_Committed_EntriesTilesAndCheckpointStored()
    {
        using var dir = new TempDataDir();
        using var store = Open(dir);
        using (var tx = store.BeginBatch())
        {
            tx.AddUnlessLogged(At(0, 0));
            tx.Commit([new TileWrite(0, 0, new byte[32])], 1, "note");
        }
        Assert.That(store.Get(0)!.SessionId, Is.EqualTo("session-0"));
        Assert.That(store.ReadTiles(0).Single(), Has.Length.EqualTo(32));
        Assert.That(store.LatestCheckpoint(), Is.EqualTo(((long)1, "note")));
    }

    [Test]
    public void AddUnlessLogged_SessionCommittedEarlier_ReturnsStoredEntryAndStagesNothing()
    {
        using var dir = new TempDataDir();
        using var store = Open(dir);
        using (var tx = store.BeginBatch())
        {
            tx.AddUnlessLogged(At(0, 5));
            tx.Commit([], 1, "n1");
        }
        using (var tx = store.BeginBatch())
        {
            var logged = tx.AddUnlessLogged(At(1, 5));
            Assert.That(logged?.LogIndex, Is.Zero);
            tx.Commit([], 1, "n1");
        }
        Assert.That(store.CountEntries(), Is.EqualTo(1));
    }

    [Test]
    public void AddUnlessLogged_SessionStagedEarlierInSameBatch_ReturnsStagedEntry()
    {
        using var dir = new TempDataDir();
        using var store = Open(dir);
        using var tx = store.BeginBatch();
        Assert.That(tx.AddUnlessLogged(At(0, 3)), Is.Null);
        var logged = tx.AddUnlessLogged(At(1, 3));
        Assert.That(logged?.LogIndex, Is.Zero);
        Assert.That(logged!.CanonicalBody, Is.EqualTo(TempDataDir.Entry(3).CanonicalBody));
    }

    [Test]
    public void AddUnlessLogged_IndexTakenBySessionOfAnother_FailsInsteadOfOverwriting()
    {
        using var dir = new TempDataDir();
        using var store = Open(dir);
        using var tx = store.BeginBatch();
        tx.AddUnlessLogged(At(0, 0));
        Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => tx.AddUnlessLogged(At(0, 1)));
    }

    private static SequencedEntry At(long index, int entry) => new(index, 1_700_000_000, TempDataDir.Entry(entry));

    private static SqliteLogStore Open(TempDataDir dir)
    {
        var store = new SqliteLogStore(SqliteDatabase.Open(dir.Open().File("mpcsign.db")));
        store.Initialize();
        return store;
    }
}
