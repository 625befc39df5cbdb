using MpcSigning.TLog;
using MpcSigning.TLog.Checkpoints;
using MpcSigning.TLog.Rekor;

namespace MpcSigning.Tests.TLog;

/// <summary>
/// A checkpoint is accepted with either documented signature line by the log key, the C2SP signed-note line (hint =
/// key ID of name and key) or the Sigstore line (hint = log ID prefix), whether the verifier knows the key's name
/// (node trust) or not (`verify --trust-root`: a TrustedRoot names no key).
/// </summary>
public class CheckpointSignatureFormTests
{
    private const string KeyName = "mpcsign.local/log";

    public enum Line { C2sp, Sigstore }

    /// <summary>The signed note with only one of its two signature lines (the signer writes C2SP first, Sigstore second).</summary>
    private static string Only(string note, Line keep)
    {
        var lines = note.Split('\n');
        var signatures = lines.Select((l, i) => (l, i)).Where(x => x.l.StartsWith('\u2014')).Select(x => x.i).ToArray();
        Assert.That(signatures, Has.Length.EqualTo(2));
        var drop = signatures[keep == Line.C2sp ? 1 : 0];
        return string.Join('\n', lines.Where((_, i) => i != drop));
    }

    [TestCase(Line.C2sp, null)]
    [TestCase(Line.C2sp, KeyName)]
    [TestCase(Line.Sigstore, null)]
    [TestCase(Line.Sigstore, KeyName)]
    public async Task TlogEntryVerifier_CheckpointWithOneDocumentedLine_IsValidWithAndWithoutKeyName(Line keep, string? keyName)
    {
        using var dir = new TempDataDir();
        await using var log = dir.OpenLog();
        for (var i = 0; i < 2; i++) await log.AppendAsync(TempDataDir.Entry(i), CancellationToken.None);
        var body = TempDataDir.Entry(2).CanonicalBody;
        var r = await log.AppendAsync(TempDataDir.Entry(2), CancellationToken.None);
        var entry = TransparencyLogTests.RoundTrip(r with { SignedCheckpoint = Only(r.SignedCheckpoint, keep) }, body);
        var v = TlogEntryVerifier.Verify(entry, log.Identity.PublicKey, body, keyName);
        Assert.That(v.IsValid, Is.True, v.Detail);
    }

    [TestCase(Line.C2sp, null)]
    [TestCase(Line.C2sp, KeyName)]
    [TestCase(Line.Sigstore, null)]
    [TestCase(Line.Sigstore, KeyName)]
    public void CheckpointSigner_OneDocumentedLine_VerifiesAndStillRefusesAChangedCheckpoint(Line keep, string? keyName)
    {
        using var key = LogKey.FromSeed(new byte[32]);
        var note = Only(CheckpointSigner.Sign(new Checkpoint(KeyName, 3, new byte[32]), key, KeyName), keep);
        Assert.That(CheckpointSigner.Verify(note, key.PublicKey, keyName, out _, out var error), Is.Not.Null, error);
        Assert.That(CheckpointSigner.Verify(note.Replace("\n3\n", "\n4\n"), key.PublicKey, keyName, out var code, out _), Is.Null);
        Assert.That(code, Is.EqualTo(TLogErrorCode.InvalidCheckpointSignature));
    }

    [Test]
    public void CheckpointSigner_C2spLineWithHintOfAnotherName_IsRefused()
    {
        // A line named "evil" carrying the key ID computed for the real name is neither documented form.
        using var key = LogKey.FromSeed(new byte[32]);
        var text = new Checkpoint(KeyName, 3, new byte[32]).ToNoteText();
        var note = SignedNote.Sign(text, new NoteSigner("evil", NoteKey.ComputeKeyId(KeyName, key.PublicKey), key.SecretKey));
        Assert.That(CheckpointSigner.Verify(note, key.PublicKey, null, out var code, out _), Is.Null);
        Assert.That(code, Is.EqualTo(TLogErrorCode.InvalidCheckpointSignature));
    }

    [Test]
    public void CheckpointSigner_KeyNameGiven_LineOfAnotherNameIsRefused()
    {
        using var key = LogKey.FromSeed(new byte[32]);
        var note = CheckpointSigner.Sign(new Checkpoint(KeyName, 3, new byte[32]), key, "other.example/log");
        Assert.That(CheckpointSigner.Verify(note, key.PublicKey, null, out _, out var error), Is.Not.Null, error);
        Assert.That(CheckpointSigner.Verify(note, key.PublicKey, KeyName, out var code, out _), Is.Null);
        Assert.That(code, Is.EqualTo(TLogErrorCode.InvalidCheckpointSignature));
    }
}
