using System.Diagnostics;
using MpcSigning.TLog;
using MpcSigning.TLog.Checkpoints;
using MpcSigning.TLog.Merkle;

namespace MpcSigning.Tests.TLog;

/// <summary>
/// SIGKILL during a stream of concurrent appends (`mpcsign tlog load` in a child process): after restart every
/// acknowledged entry is present at its index, the root equals a from-scratch recomputation, and the tree is
/// consistent with the last checkpoint the dead process handed out, and every lookup by digest or session answers.
/// </summary>
public class DurabilityTests
{
    [Test, CancelAfter(120_000)]
    public async Task Load_KilledMidStream_AcknowledgedEntriesSurviveAndTreeIsConsistent()
    {
        using var dir = new TempDataDir();
        var dll = Path.Combine(AppContext.BaseDirectory, "mpcsign.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "--data-dir", dir.Path, "tlog", "load", "--count", "1000000", "--writers", "32" }) psi.ArgumentList.Add(a);
        using var p = new Process { StartInfo = psi };
        var acks = new List<string[]>();
        var stderr = new System.Text.StringBuilder();
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) { closed.TrySetResult(); enough.TrySetResult(); return; }
            lock (acks)
            {
                if (e.Data.StartsWith("ack ", StringComparison.Ordinal)) acks.Add(e.Data.Split(' '));
                if (acks.Count >= 1500) enough.TrySetResult();
            }
        };
        p.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        await enough.Task.WaitAsync(TimeSpan.FromSeconds(90));
        p.Kill(); // SIGKILL: no flush, no dispose, no graceful stop
        await p.WaitForExitAsync();
        // Lines written before the kill are acknowledgements too; they arrive until the pipe closes.
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        lock (acks) Assert.That(acks, Has.Count.GreaterThanOrEqualTo(1500), "load stopped early: " + stderr);
        await using var log = dir.OpenLog();
        foreach (var ack in acks)
        {
            var entry = await log.GetAsync(long.Parse(ack[1], System.Globalization.CultureInfo.InvariantCulture));
            Assert.That(entry?.SessionId, Is.EqualTo(ack[2]), $"acknowledged index {ack[1]}");
        }
        var size = log.Size;
        var scratch = new HashLevels();
        for (long i = 0; i < size; i++) scratch.AppendLeafHash(Rfc9162.HashLeaf((await log.GetAsync(i))!.CanonicalBody));
        var cp = CheckpointSigner.Verify(await log.LatestCheckpointAsync(), log.Identity.PublicKey, log.Identity.KeyName, out _, out var err);
        Assert.That(cp, Is.Not.Null, err);
        Assert.That(cp!.Size, Is.EqualTo(size));
        Assert.That(ProofBuilder.Root(scratch, size), Is.EqualTo(cp.RootHash));
        var last = acks.MaxBy(a => long.Parse(a[3], System.Globalization.CultureInfo.InvariantCulture))!;
        var lastSize = long.Parse(last[3], System.Globalization.CultureInfo.InvariantCulture);
        var proof = await log.ProveConsistencyAsync(lastSize, size);
        Assert.That(MerkleProofs.VerifyConsistency(lastSize, size, proof.Hashes, Convert.FromBase64String(last[4]), cp.RootHash).IsValid);
        // The lookups by digest and by session, whose tables lag the entries, answer for every acknowledged entry
        // (the open rebuilt what the kill left unindexed): found by its digest, and its session not logged twice.
        foreach (var ack in acks)
        {
            var index = long.Parse(ack[1], System.Globalization.CultureInfo.InvariantCulture);
            var entry = (await log.GetAsync(index))!;
            Assert.That((await log.FindByArtifactDigestAsync(entry.ArtifactDigestHex)).Select(e => e.LogIndex), Does.Contain(index), $"digest of index {index}");
            if (index % 16 == 0)
            {
                var again = await log.AppendAsync(new LogAppend(entry.CanonicalBody, entry.ArtifactDigestHex, entry.SessionId, entry.Attachment), CancellationToken.None);
                Assert.That(again.LogIndex, Is.EqualTo(index), $"session {entry.SessionId} appended again");
            }
        }
        Assert.That(log.Size, Is.EqualTo(size));
    }
}
