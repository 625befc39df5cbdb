using Microsoft.Data.Sqlite;
using MpcSigning.Storage.Sqlite;
using MpcSigning.TLog;
using MpcSigning.TLog.Checkpoints;
using MpcSigning.TLog.Sequencer;
using MpcSigning.TLog.Storage;
using MpcSigning.TLog.Storage.Sqlite;

namespace MpcSigning.Tests.TLog;

/// <summary>
/// Lookups by session and by artifact digest, whose table rows are written after the append (sorted, a slice per
/// batch): correct the moment an append is acknowledged, after a stop in the middle of a flush, after a move from
/// the earlier layout, and never fooled by a key shared by two strings. A flush starts every few entries here.
/// </summary>
public class LookupTests
{
    private const int MinFlush = 64;

    [Test]
    public async Task Append_Acknowledged_FoundByDigestAndSessionAtOnce()
    {
        using var dir = new TempDataDir();
        await using var log = Open(dir);
        for (var i = 0; i < 200; i++)
        {
            var entry = TempDataDir.Entry(i, Digest(i % 50));
            var r = await log.AppendAsync(entry, CancellationToken.None);
            var found = await log.FindByArtifactDigestAsync(Digest(i % 50));
            Assert.That(found.Select(f => f.LogIndex), Does.Contain(r.LogIndex), $"entry {i} right after its receipt");
            Assert.That(found.Select(f => f.LogIndex), Is.EqualTo(Enumerable.Range(0, i / 50 + 1).Select(k => (long)(i % 50 + 50 * k))));
            Assert.That((await log.AppendAsync(entry, CancellationToken.None)).LogIndex, Is.EqualTo(r.LogIndex), $"entry {i} appended again");
        }
        Assert.That(log.Size, Is.EqualTo(200));
        Assert.That(State(dir).Watermark, Is.GreaterThan(100), "flushes ran while appending");
    }

    [Test]
    public async Task Append_ConcurrentWritersAcrossFlushes_EverySessionOnceAndEveryDigestFound()
    {
        using var dir = new TempDataDir();
        await using (var log = Open(dir))
        {
            // 600 appends of 300 sessions: each session twice, from different writers, often in different batches;
            // each writer looks its entry up by digest the moment it is acknowledged, while flushes run.
            var receipts = await Task.WhenAll(Enumerable.Range(0, 600).Select(i => Task.Run(async () =>
            {
                var r = await log.AppendAsync(TempDataDir.Entry(i % 300, Digest(i % 300 % 7)), CancellationToken.None);
                var found = await log.FindByArtifactDigestAsync(Digest(i % 300 % 7));
                Assert.That(found.Select(e => e.LogIndex), Does.Contain(r.LogIndex), $"append {i} right after its receipt");
                return r;
            })));
            Assert.That(log.Size, Is.EqualTo(300));
            for (var i = 0; i < 300; i++) Assert.That(receipts[i + 300].LogIndex, Is.EqualTo(receipts[i].LogIndex));
            for (var d = 0; d < 7; d++)
                Assert.That((await log.FindByArtifactDigestAsync(Digest(d))).Select(e => e.SessionId).Order(),
                    Is.EqualTo(Enumerable.Range(0, 300).Where(i => i % 7 == d).Select(i => $"session-{i}").Order()));
        }
    }

    [Test]
    public async Task Reopen_StoppedInTheMiddleOfAFlush_TailRebuiltAndEveryLookupAnswers()
    {
        using var dir = new TempDataDir();
        var appended = 0;
        await using (var log = Open(dir))
        {
            // One append per batch, so a flush of MinFlush rows takes several batches: stop with one half written.
            while (!State(dir).FlushHalfWritten)
            {
                Assert.That(appended, Is.LessThan(10 * MinFlush), "no flush was ever caught half written");
                await log.AppendAsync(TempDataDir.Entry(appended, Digest(appended % 3)), CancellationToken.None);
                appended++;
            }
        }
        var before = State(dir);
        Assert.That(before.Watermark, Is.LessThan(appended), "the lookup tables lag the entries");
        await using var reopened = Open(dir);
        for (var d = 0; d < 3; d++)
            Assert.That((await reopened.FindByArtifactDigestAsync(Digest(d))).Select(e => e.LogIndex),
                Is.EqualTo(Enumerable.Range(0, appended).Where(i => i % 3 == d).Select(i => (long)i)));
        for (var i = 0; i < appended; i++)
            Assert.That((await reopened.AppendAsync(TempDataDir.Entry(i, Digest(i % 3)), CancellationToken.None)).LogIndex, Is.EqualTo(i));
        Assert.That(reopened.Size, Is.EqualTo(appended));
        // The flush resumes where the tables stand and completes: rows written twice are ignored, none are missing.
        for (var i = appended; i < appended + 4 * MinFlush; i++)
            await reopened.AppendAsync(TempDataDir.Entry(i, Digest(i % 3)), CancellationToken.None);
        var after = State(dir);
        Assert.That(after.Watermark, Is.GreaterThan(appended));
        Assert.That(after.SessionRows, Is.EqualTo(after.Watermark + after.RowsAboveWatermark));
    }

    [Test]
    public async Task Open_LogOfTheEarlierLayout_MovedAndLookupsRebuilt()
    {
        using var dir = new TempDataDir();
        await using (var log = Open(dir))
            await Task.WhenAll(Enumerable.Range(0, 300).Select(i => log.AppendAsync(TempDataDir.Entry(i, Digest(i % 4)), CancellationToken.None)));
        using (var c = Connect(dir))
        {
            // The layout before the lookup tables: indexes on tlog_entries, no lookup tables.
            Exec(c, """
                    CREATE TABLE old_entries (idx INTEGER PRIMARY KEY, integrated_time INTEGER NOT NULL, body BLOB NOT NULL,
                        artifact_digest TEXT NOT NULL, session_id TEXT NOT NULL UNIQUE, attachment BLOB NOT NULL);
                    INSERT INTO old_entries SELECT idx, integrated_time, body, artifact_digest, session_id, attachment FROM tlog_entries;
                    DROP TABLE tlog_entries; ALTER TABLE old_entries RENAME TO tlog_entries;
                    CREATE INDEX tlog_entries_by_digest ON tlog_entries(artifact_digest, idx);
                    DROP TABLE tlog_session_lookup; DROP TABLE tlog_digest_lookup; DROP TABLE tlog_lookup_state;
                    """);
        }
        await using var reopened = Open(dir);
        Assert.That(reopened.Size, Is.EqualTo(300));
        var byDigest = (await reopened.FindByArtifactDigestAsync(Digest(1))).Select(e => e.SessionId).ToList();
        Assert.That(byDigest.Order(), Is.EqualTo(Enumerable.Range(0, 300).Where(i => i % 4 == 1).Select(i => $"session-{i}").Order()));
        var seven = (await reopened.FindByArtifactDigestAsync(Digest(3))).Single(e => e.SessionId == "session-7");
        Assert.That((await reopened.AppendAsync(TempDataDir.Entry(7, Digest(3)), CancellationToken.None)).LogIndex, Is.EqualTo(seven.LogIndex));
        Assert.That((await reopened.AppendAsync(TempDataDir.Entry(300, Digest(0)), CancellationToken.None)).LogIndex, Is.EqualTo(300));
        using var check = Connect(dir);
        Assert.That(Scalar(check, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tlog_entries'"), Is.Zero);
        Assert.That(Scalar(check, "SELECT COUNT(*) FROM tlog_session_lookup"), Is.EqualTo(300), "the moved entries were indexed on open");
    }

    [Test]
    public async Task Lookup_KeySharedWithAnotherString_StoredStringDecides()
    {
        using var dir = new TempDataDir();
        await using (var log = Open(dir))
            for (var i = 0; i < 3 * MinFlush; i++) await log.AppendAsync(TempDataDir.Entry(i, Digest(i)), CancellationToken.None);
        using (var c = Connect(dir))
        {
            // As if session "session-x" and digest Digest(999) hashed to the keys of entry 0's: rows that point at entry 0.
            Exec(c, $"INSERT INTO tlog_session_lookup (key, idx) VALUES ({LookupKey.Of("session-x")}, 0)");
            Exec(c, $"INSERT INTO tlog_digest_lookup (key, idx) VALUES ({LookupKey.Of(Digest(999))}, 0)");
        }
        await using var reopened = Open(dir);
        Assert.That(await reopened.FindByArtifactDigestAsync(Digest(999)), Is.Empty);
        var r = await reopened.AppendAsync(TempDataDir.Entry(0, Digest(999)) with { SessionId = "session-x" }, CancellationToken.None);
        Assert.That(r.LogIndex, Is.EqualTo(3 * MinFlush), "a new session, not entry 0's");
        Assert.That((await reopened.FindByArtifactDigestAsync(Digest(999))).Single().LogIndex, Is.EqualTo(r.LogIndex));
    }

    [Test]
    public async Task Open_WatermarkBeyondEntries_RefusedAsCorrupt()
    {
        using var dir = new TempDataDir();
        await using (var log = Open(dir))
            await log.AppendAsync(TempDataDir.Entry(0), CancellationToken.None);
        using (var c = Connect(dir)) Exec(c, "INSERT OR REPLACE INTO tlog_lookup_state (id, indexed_below) VALUES (0, 5)");
        var e = Assert.Throws<TLogException>(() => Open(dir));
        Assert.That(e!.Code, Is.EqualTo(TLogErrorCode.CorruptStore));
        Assert.That(e.Message, Does.Contain("tlog_lookup_state"));
    }

    private static string Digest(int i) => $"{i + 1:x64}";

    private static TestLog Open(TempDataDir dir) =>
        new(new SqliteLogStore(SqliteDatabase.Open(dir.Open().File("mpcsign.db")), MinFlush));

    private sealed class TestLog(ILogStore store) : TransparencyLog(store, LogKey.FromSeed(new byte[32]), new TLogOptions(), null);

    private sealed record LookupState(long Watermark, long SessionRows, long RowsAboveWatermark)
    {
        /// <summary>Some rows of a flush are committed and its watermark is not: it stopped between two slices.</summary>
        public bool FlushHalfWritten => RowsAboveWatermark > 0;
    }

    private static LookupState State(TempDataDir dir)
    {
        using var c = Connect(dir);
        var watermark = Scalar(c, "SELECT COALESCE(MAX(indexed_below), 0) FROM tlog_lookup_state");
        return new LookupState(watermark, Scalar(c, "SELECT COUNT(*) FROM tlog_session_lookup"),
            Scalar(c, $"SELECT COUNT(*) FROM tlog_session_lookup WHERE idx >= {watermark}"));
    }

    private static SqliteConnection Connect(TempDataDir dir) => SqliteDatabase.Open(dir.Open().File("mpcsign.db")).Connect();

    private static void Exec(SqliteConnection c, string sql) => SqliteDatabase.Execute(c, sql);

    private static long Scalar(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
