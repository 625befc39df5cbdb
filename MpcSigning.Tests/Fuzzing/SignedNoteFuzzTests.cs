using System.Text.Json;
using MpcSigning.TLog;
using MpcSigning.TLog.Checkpoints;
using MpcSigning.Tests.TLog;

namespace MpcSigning.Tests.Fuzzing;

/// <summary>
/// Signed notes and checkpoints under text mutation: the log's own checkpoints (CheckpointSigner, both hint
/// lines), the upstream notes of signed-note-vectors.json with their verifier keys, and the verifier keys
/// themselves. The signature covers the note text, so an accepted note must carry the original text; signature
/// lines may legitimately be dropped, duplicated or joined by foreign ones.
/// </summary>
[Category("Fuzz")]
[NonParallelizable]
public class SignedNoteFuzzTests
{
    private const long Inputs = 200_000;
    private const string KeyName = "mpcsign.local/log";

    private sealed record Seed(string Name, string Note, string Text, Func<string, (bool Accepted, string Label)> Verify);

    private sealed record Input(Seed Seed, string Note, bool IsVerifierKey);

    private LogKey _key = null!;
    private Seed[] _notes = null!;
    private Seed[] _keys = null!;

    [OneTimeSetUp]
    public void SignSeeds()
    {
        _key = LogKey.FromSeed(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
        var pub = _key.PublicKey;
        var checkpoints = new[]
        {
            new Checkpoint("mpcsign.local/log", 1, new byte[32]),
            new Checkpoint("mpcsign.local/log", 7, Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray()),
            new Checkpoint("example.com/a log with spaces", 6476701, Enumerable.Repeat((byte)0xAB, 32).ToArray(), ["extension line one", "x"]),
            new Checkpoint("mpcsign.local/log", long.MaxValue, Enumerable.Repeat((byte)0xFF, 32).ToArray()),
        };
        var notes = new List<Seed>();
        foreach (var cp in checkpoints)
        {
            var signed = CheckpointSigner.Sign(cp, _key, KeyName);
            foreach (var name in new[] { KeyName, null })
                notes.Add(new Seed($"checkpoint {cp.Size} (key name {name ?? "any"})", signed, cp.ToNoteText(), n =>
                {
                    var verified = CheckpointSigner.Verify(n, pub, name, out var code, out var error);
                    if (verified is null && error.Length == 0) throw new FuzzViolation($"refused without a reason ({code})");
                    return (verified is not null, verified is null ? "refused " + code : "verified");
                }));
        }
        var vectors = TlogVectors.Load("signed-note-vectors.json");
        var keys = new List<Seed>();
        // Only notes that verify: a mutation of a deliberately broken note can repair it, which is no acceptance.
        foreach (var e in vectors.GetProperty("upstream").EnumerateArray().Where(e => e.GetProperty("mustVerify").ValueKind == JsonValueKind.True))
        {
            var vkeys = e.TryGetProperty("verifierKeys", out var ks) ? ks.EnumerateArray().Select(k => k.GetString()!).ToArray()
                : [e.GetProperty("verifierKey").GetString()!];
            var note = e.TryGetProperty("signedNote", out var sn) ? sn.GetString()! : e.GetProperty("checkpoint").GetString()!;
            var parsedKeys = vkeys.Select(k => NoteKey.TryParse(k, out _)!).ToArray();
            var text = SignedNote.TryParse(note, out _)!.Text;
            notes.Add(new Seed(e.GetProperty("id").GetString()!, note, text, n => VerifyNote(n, parsedKeys)));
            foreach (var (k, parsed) in vkeys.Zip(parsedKeys))
                keys.Add(new Seed("verifier key " + parsed.Name, k, k, v => VerifierKey(v, parsed)));
        }
        _notes = [.. notes];
        _keys = [.. keys];
        foreach (var s in _notes)
            Assert.That(s.Verify(s.Note).Accepted, Is.True, $"seed {s.Name} must verify before it is mutated");
    }

    [OneTimeTearDown]
    public void DisposeKey() => _key.Dispose();

    [Test]
    public void SignedNoteAndCheckpointParsers_MutatedNotes_AreRefusedWithoutExceptionAndOnlyTheSignedTextVerifies() =>
        FuzzRunner.Run(new FuzzCampaign<Input>
        {
            Name = "signed-note",
            Inputs = Inputs,
            Generate = rng =>
            {
                var isKey = rng.Chance(0.1);
                var seed = rng.Pick(isKey ? _keys : _notes);
                return new Input(seed, isKey ? MutateVerifierKey(rng, seed.Note) : TextMutator.MutateNote(rng, seed.Note), isKey);
            },
            Check = Check,
            Describe = i => $"seed {i.Seed.Name}, {(i.IsVerifierKey ? "verifier key" : "note")} {JsonSerializer.Serialize(i.Note)}",
        });

    /// <summary>name+keyid+base64key: one part changed, or the text as a whole.</summary>
    private static string MutateVerifierKey(FuzzRng rng, string vkey)
    {
        var parts = vkey.Split('+', 3);
        var i = rng.Next(4);
        if (i == 3) return rng.Chance(0.5) ? TextMutator.MutateString(rng, vkey) : System.Text.Encoding.UTF8.GetString(ByteMutator.Mutate(rng, System.Text.Encoding.UTF8.GetBytes(vkey)));
        parts[i] = i == 2 ? TextMutator.DamageBase64(rng, parts[i]) : TextMutator.MutateString(rng, parts[i]);
        return string.Join('+', parts);
    }

    private static string Check(Input input)
    {
        if (input.IsVerifierKey) return input.Seed.Verify(input.Note).Label;
        // Every parser on the way sees the input, whatever the verifier does with it.
        var note = SignedNote.TryParse(input.Note, out var noteError);
        if (note is null && noteError.Length == 0) throw new FuzzViolation("SignedNote.TryParse refused without a reason");
        if (note is not null && Checkpoint.TryParse(note.Text, out var cpError) is null && cpError.Length == 0)
            throw new FuzzViolation("Checkpoint.TryParse refused without a reason");
        var (accepted, label) = input.Seed.Verify(input.Note);
        if (accepted && SignedNote.TryParse(input.Note, out _)?.Text != input.Seed.Text)
            throw new FuzzViolation("a note whose signed text changed verified");
        return accepted ? (input.Note == input.Seed.Note ? "verified (unchanged)" : "verified (signature lines changed)") : label;
    }

    private static (bool, string) VerifyNote(string n, NoteKey[] keys)
    {
        var note = SignedNote.TryParse(n, out var error);
        if (note is null) return (false, "note refused");
        var signed = keys.Any(note.IsSignedBy);
        if (signed && Checkpoint.TryParse(note.Text, out _) is null) return (true, "verified (not a checkpoint)");
        return (signed, signed ? "verified" : "no valid signature");
    }

    private static (bool, string) VerifierKey(string text, NoteKey original)
    {
        var k = NoteKey.TryParse(text, out var error);
        if (k is null) return (false, error.Length > 0 ? "key refused" : throw new FuzzViolation("NoteKey.TryParse refused without a reason"));
        if (k.Name != original.Name || !k.PublicKey.AsSpan().SequenceEqual(original.PublicKey))
            throw new FuzzViolation($"a mutated verifier key parsed as another key: {k.VerifierKey}");
        return (true, text == original.VerifierKey ? "key parsed (unchanged)" : "key parsed (same key, other spelling)");
    }
}
