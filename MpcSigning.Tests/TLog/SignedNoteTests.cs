using System.Text.Json;
using MpcSigning.TLog.Checkpoints;

namespace MpcSigning.Tests.TLog;

/// <summary>signed-note-vectors.json: derived checkpoints byte for byte, upstream notes verify, tampered ones fail.</summary>
public class SignedNoteTests
{
    private static readonly JsonElement V = TlogVectors.Load("signed-note-vectors.json");

    private static IEnumerable<TestCaseData> DerivedCases() =>
        V.GetProperty("derivedCheckpoints").EnumerateArray()
            .Select(e => new TestCaseData(e.GetRawText()).SetName($"Checkpoint_Derived_{e.GetProperty("origin").GetString()}_{e.GetProperty("treeSize").GetInt64()}_ReproducedByteForByte"));

    private static IEnumerable<TestCaseData> UpstreamCases() =>
        V.GetProperty("upstream").EnumerateArray().Where(e => e.GetProperty("mustVerify").ValueKind == JsonValueKind.True)
            .Select(e => new TestCaseData(e.GetRawText()).SetName($"SignedNote_{e.GetProperty("id").GetString()}_Verifies"));

    private static IEnumerable<TestCaseData> NegativeCases() =>
        V.GetProperty("negative").EnumerateArray()
            .Select(e => new TestCaseData(e.GetRawText()).SetName($"SignedNote_Negative_{e.GetProperty("desc").GetString()}_Rejected"));

    [TestCase("mpcsign.local/log\n1\nzUVAAbhmuSj1kdm9xMa7Qq2xHSM130qC2mmlCLONOj4=\n\n")]
    [TestCase("mpcsign.local/log\n1\nzUVAAbhmuSj1kdm9xMa7Qq2xHSM130qC2mmlCLONOj4=\n\n\n")]
    [TestCase("\n\n")]
    public void SignedNote_NoSignatureLines_IsRefusedWithTheReason(string note)
    {
        Assert.That(SignedNote.TryParse(note, out var error), Is.Null);
        Assert.That(error, Does.Contain("signature line"));
    }

    /// <summary>"PRIVATE+KEY+name+hexid+base64(0x01 || seed)", the golang.org/x/mod/sumdb/note signer key form.</summary>
    private static LogKey SignerKey(string skey) =>
        LogKey.FromSeed(Convert.FromBase64String(skey.Split('+', 5)[4])[1..]);

    [TestCaseSource(nameof(DerivedCases))]
    public void Derived(string json)
    {
        var e = JsonDocument.Parse(json).RootElement;
        var vkey = NoteKey.TryParse(e.GetProperty("verifierKey").GetString()!, out var err) ?? throw new AssertionException(err);
        using var key = SignerKey(e.GetProperty("signerKeyFromUpstreamTests").GetString()!);
        Assert.That(key.PublicKey, Is.EqualTo(vkey.PublicKey));
        var cp = new Checkpoint(e.GetProperty("origin").GetString()!, e.GetProperty("treeSize").GetInt64(),
            Convert.FromHexString(e.GetProperty("rootHex").GetString()!));
        var signed = SignedNote.Sign(cp.ToNoteText(), new NoteSigner(vkey.Name, vkey.KeyId, key.SecretKey));
        Assert.That(signed, Is.EqualTo(e.GetProperty("checkpoint").GetString()));
        var parsed = Checkpoint.TryParse(SignedNote.TryParse(signed, out _)!.Text, out _);
        Assert.That(parsed!.Size, Is.EqualTo(cp.Size));
        Assert.That(parsed.RootHash, Is.EqualTo(cp.RootHash));
    }

    [TestCaseSource(nameof(UpstreamCases))]
    public void Upstream(string json)
    {
        var e = JsonDocument.Parse(json).RootElement;
        var keys = e.TryGetProperty("verifierKeys", out var ks) ? ks.EnumerateArray().Select(k => k.GetString()!).ToList()
            : [e.GetProperty("verifierKey").GetString()!];
        var text = e.TryGetProperty("signedNote", out var n) ? n.GetString()! : e.GetProperty("checkpoint").GetString()!;
        var note = SignedNote.TryParse(text, out var err) ?? throw new AssertionException(err);
        foreach (var k in keys)
            Assert.That(note.IsSignedBy(NoteKey.TryParse(k, out err) ?? throw new AssertionException(err)), Is.True, k);
        if (e.TryGetProperty("treeSize", out var size))
        {
            var cp = Checkpoint.TryParse(note.Text, out err) ?? throw new AssertionException(err);
            Assert.That(cp.Size, Is.EqualTo(size.GetInt64()));
            Assert.That(Convert.ToBase64String(cp.RootHash), Is.EqualTo(e.GetProperty("rootHashBase64").GetString()));
            Assert.That(cp.Origin, Is.EqualTo(e.GetProperty("origin").GetString()));
        }
    }

    [TestCaseSource(nameof(NegativeCases))]
    public void Negative(string json)
    {
        var e = JsonDocument.Parse(json).RootElement;
        var key = NoteKey.TryParse(e.GetProperty("verifierKey").GetString()!, out _);
        if (e.TryGetProperty("mustParse", out _))
        {
            Assert.That(key, Is.Null);
            return;
        }
        var note = SignedNote.TryParse(e.GetProperty("checkpoint").GetString()!, out _);
        Assert.That(note is not null && note.IsSignedBy(key!), Is.False);
    }

    [Test]
    public void SignedNote_OnlyUnknownKeySigned_IsNotSignedByKnownKey()
    {
        var enoch = NoteKey.TryParse("EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop", out _)!;
        var note = SignedNote.TryParse(V.GetProperty("upstream")[0].GetProperty("signedNote").GetString()!, out _)!;
        Assert.That(note.IsSignedBy(enoch), Is.False);
    }

    [Test]
    public void CheckpointSigner_TwoLines_VerifiableByC2spKeyAndBySigstoreHint()
    {
        using var key = LogKey.FromSeed(new byte[32]);
        var note = CheckpointSigner.Sign(new Checkpoint("mpcsign.local/log", 3, new byte[32]), key, "mpcsign.local/log");
        var parsed = SignedNote.TryParse(note, out _)!;
        Assert.That(parsed.Signatures, Has.Count.EqualTo(2));
        Assert.That(parsed.IsSignedBy(new NoteKey("mpcsign.local/log", key.PublicKey)), Is.True);
        Assert.That(parsed.Signatures[1].KeyHint, Is.EqualTo(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(key.LogId)));
        Assert.That(CheckpointSigner.Verify(note, key.PublicKey, "mpcsign.local/log", out _, out var err), Is.Not.Null, err);
        Assert.That(CheckpointSigner.Verify(note.Replace("\n3\n", "\n4\n"), key.PublicKey, null, out var code, out _), Is.Null);
        Assert.That(code, Is.EqualTo(MpcSigning.TLog.TLogErrorCode.InvalidCheckpointSignature));
    }
}
