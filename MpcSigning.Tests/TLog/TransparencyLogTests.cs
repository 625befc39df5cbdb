using System.Text.Json;
using MpcSigning.TLog;
using MpcSigning.TLog.Merkle;
using MpcSigning.TLog.Rekor;

namespace MpcSigning.Tests.TLog;

public class TransparencyLogTests
{
    [Test]
    public async Task Append_ConcurrentWriters_EveryReceiptVerifiesOffline()
    {
        using var dir = new TempDataDir();
        await using var log = dir.OpenLog();
        var receipts = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => log.AppendAsync(TempDataDir.Entry(i), CancellationToken.None)));
        Assert.That(receipts.Select(r => r.LogIndex).Order(), Is.EqualTo(Enumerable.Range(0, 200).Select(i => (long)i)));
        for (var i = 0; i < receipts.Length; i++)
        {
            var body = TempDataDir.Entry(i).CanonicalBody;
            var entry = RoundTrip(receipts[i], body);
            var v = TlogEntryVerifier.Verify(entry, log.Identity.PublicKey, body, log.Identity.KeyName);
            Assert.That(v.IsValid, v.Detail);
        }
    }

    [Test]
    public async Task Verify_TamperedPieces_EachRejectedWithItsCode()
    {
        using var dir = new TempDataDir();
        await using var log = dir.OpenLog();
        for (var i = 0; i < 4; i++) await log.AppendAsync(TempDataDir.Entry(i), CancellationToken.None);
        var body = TempDataDir.Entry(9).CanonicalBody;
        var r = await log.AppendAsync(TempDataDir.Entry(9), CancellationToken.None);
        var pk = log.Identity.PublicKey;
        Assert.That(TlogEntryVerifier.Verify(RoundTrip(r, body), pk, [.. body, 0x20]).Code, Is.EqualTo(TLogErrorCode.BodyMismatch));
        Assert.That(TlogEntryVerifier.Verify(RoundTrip(r with { IntegratedTime = r.IntegratedTime + 1 }, body), pk, body).Code,
            Is.EqualTo(TLogErrorCode.InvalidSignedEntryTimestamp));
        Assert.That(TlogEntryVerifier.Verify(RoundTrip(r with { SignedCheckpoint = r.SignedCheckpoint.Replace("\n5\n", "\n6\n") }, body), pk, body).Code,
            Is.EqualTo(TLogErrorCode.InvalidCheckpointSignature));
        var hashes = r.InclusionProof.Hashes.Select(h => h.ToArray()).ToList();
        hashes[0][0] ^= 1;
        Assert.That(TlogEntryVerifier.Verify(RoundTrip(r with { InclusionProof = r.InclusionProof with { Hashes = hashes } }, body), pk, body).Code,
            Is.EqualTo(TLogErrorCode.InvalidInclusionProof));
        Assert.That(TlogEntryVerifier.Verify(RoundTrip(r, body), new byte[32], body).Code, Is.EqualTo(TLogErrorCode.UnknownLog));
    }

    [Test]
    public async Task Append_SameSessionTwice_ReturnsFirstIndexAndDifferentBodyIsRefused()
    {
        using var dir = new TempDataDir();
        await using var log = dir.OpenLog();
        var first = await log.AppendAsync(TempDataDir.Entry(1), CancellationToken.None);
        var again = await log.AppendAsync(TempDataDir.Entry(1), CancellationToken.None);
        Assert.That(again.LogIndex, Is.EqualTo(first.LogIndex));
        Assert.That(log.Size, Is.EqualTo(1));
        var other = TempDataDir.Entry(1) with { CanonicalBody = "{}"u8.ToArray() };
        var e = Assert.ThrowsAsync<TLogException>(() => log.AppendAsync(other, CancellationToken.None));
        Assert.That(e!.Code, Is.EqualTo(TLogErrorCode.SessionAlreadyLogged));
    }

    [Test]
    public async Task Append_SameSessionConcurrently_OneEntryAndEveryReceiptHasItsIndex()
    {
        using var dir = new TempDataDir();
        await using var log = dir.OpenLog();
        var appends = Enumerable.Range(0, 100).Select(i => log.AppendAsync(TempDataDir.Entry(i % 5 == 0 ? 7 : i), CancellationToken.None)).ToArray();
        var receipts = await Task.WhenAll(appends);
        // Session 7 is appended 21 times (i = 7 and every multiple of 5); 80 distinct sessions in all.
        var sevens = Enumerable.Range(0, 100).Where(i => i % 5 == 0 || i == 7).Select(i => receipts[i].LogIndex).Distinct().ToList();
        Assert.That(sevens, Has.Count.EqualTo(1));
        Assert.That(log.Size, Is.EqualTo(80));
        Assert.That((await log.GetAsync(sevens[0]))!.SessionId, Is.EqualTo("session-7"));
        Assert.That(receipts.Select(r => r.LogIndex).Distinct().Order(), Is.EqualTo(Enumerable.Range(0, 80).Select(i => (long)i)));
    }

    [Test]
    public async Task Dispose_AppendsInFlight_EachReceiptDurableOrShutDownRefusal()
    {
        using var dir = new TempDataDir();
        var log = dir.OpenLog();
        var appends = Enumerable.Range(0, 300).Select(i => Task.Run(() => log.AppendAsync(TempDataDir.Entry(i), CancellationToken.None))).ToArray();
        await log.DisposeAsync();
        var acknowledged = new List<(int Entry, LogReceipt Receipt)>();
        for (var i = 0; i < appends.Length; i++)
        {
            try { acknowledged.Add((i, await appends[i])); }
            catch (TLogException e) { Assert.That(e.Code, Is.EqualTo(TLogErrorCode.StorageFailure), e.Message); }
        }
        // Whatever was queued before the shutdown was drained and acknowledged; the rest was never logged.
        await using var reopened = dir.OpenLog();
        Assert.That(reopened.Size, Is.EqualTo(acknowledged.Count));
        foreach (var (i, r) in acknowledged)
            Assert.That((await reopened.GetAsync(r.LogIndex))?.SessionId, Is.EqualTo($"session-{i}"));
    }

    [Test]
    public async Task Reopen_AfterAppends_SameRootEntriesAndLookups()
    {
        using var dir = new TempDataDir();
        string checkpoint;
        await using (var log = dir.OpenLog())
        {
            await Task.WhenAll(Enumerable.Range(0, 300).Select(i => log.AppendAsync(TempDataDir.Entry(i, i % 2 == 0 ? "aa" : "bb"), CancellationToken.None)));
            checkpoint = await log.LatestCheckpointAsync();
        }
        await using var reopened = dir.OpenLog();
        Assert.That(await reopened.LatestCheckpointAsync(), Is.EqualTo(checkpoint));
        var entry = await reopened.GetAsync(17);
        Assert.That(entry!.CanonicalBody, Is.EqualTo(TempDataDir.Entry(int.Parse(entry.SessionId[8..], System.Globalization.CultureInfo.InvariantCulture)).CanonicalBody));
        var found = await reopened.FindByArtifactDigestAsync("aa");
        Assert.That(found, Has.Count.EqualTo(150));
        Assert.That(found.Select(f => f.LogIndex), Is.Ordered);
        var c = await reopened.ProveConsistencyAsync(100, 300);
        Assert.That(MerkleProofs.VerifyConsistency(100, 300, c.Hashes, c.FromRoot, c.ToRoot).IsValid);
        Assert.That(await reopened.GetAsync(300), Is.Null);
    }

    [Test]
    public void Open_KeyNameNotInBaseUrl_RefusedWithHowToFix()
    {
        using var dir = new TempDataDir();
        var e = Assert.Throws<TLogException>(() => dir.OpenLog(new TLogOptions { KeyName = "other.example" }));
        Assert.That(e!.Code, Is.EqualTo(TLogErrorCode.InvalidOptions));
        Assert.That(e.Message, Does.Contain("substring of the base URL"));
    }

    [Test]
    public async Task Open_TileTableTampered_RefusedAsCorrupt()
    {
        using var dir = new TempDataDir();
        await using (var log = dir.OpenLog())
            for (var i = 0; i < 3; i++) await log.AppendAsync(TempDataDir.Entry(i), CancellationToken.None);
        var db = MpcSigning.Storage.Sqlite.SqliteDatabase.Open(dir.Open().File("mpcsign.db"));
        using (var c = db.Connect())
            MpcSigning.Storage.Sqlite.SqliteDatabase.Execute(c, "UPDATE tlog_tiles SET hashes = zeroblob(96) WHERE level = 0");
        var e = Assert.Throws<TLogException>(() => dir.OpenLog());
        Assert.That(e!.Code, Is.EqualTo(TLogErrorCode.CorruptStore));
    }

    [Test]
    public void KeyFile_CreatedOwnerOnly()
    {
        using var dir = new TempDataDir();
        dir.OpenLog().DisposeAsync().AsTask().Wait();
        Assert.That(File.GetUnixFileMode(dir.Open().File("tlog-ed25519.key")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    internal static TlogEntry RoundTrip(LogReceipt r, byte[] body)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms)) TlogEntryJson.Write(w, r, body);
        var doc = JsonDocument.Parse(ms.ToArray());
        return TlogEntryJson.TryRead(doc.RootElement, out var err) ?? throw new AssertionException(err);
    }
}
