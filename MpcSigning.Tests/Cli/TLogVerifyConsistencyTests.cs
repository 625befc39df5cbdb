using MpcSigning.TLog.Checkpoints;
using MpcSigning.TLog.Merkle;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Cli;

/// <summary>
/// `mpcsign tlog verify-consistency` (the real binary) with checkpoints signed by one key: a valid proof relates two
/// trees of one log only, so checkpoints of different origins are refused whatever the proof says.
/// </summary>
public class TLogVerifyConsistencyTests
{
    private const string Origin = "mpcsign.local/log";
    private TempDir _dir = null!;
    private LogKey _key = null!;

    [SetUp]
    public void Setup()
    {
        _dir = new TempDir();
        _key = LogKey.FromSeed(Enumerable.Repeat((byte)7, 32).ToArray());
        // A two-entry log: the size-1 tree is entry 0, the proof from 1 to 2 is entry 1's leaf hash.
        var (leaf0, leaf1) = (Rfc9162.HashLeaf("entry 0"u8), Rfc9162.HashLeaf("entry 1"u8));
        File.WriteAllText(_dir.File("old"), CheckpointSigner.Sign(new Checkpoint(Origin, 1, leaf0), _key, Origin));
        File.WriteAllText(_dir.File("new"), CheckpointSigner.Sign(new Checkpoint(Origin, 2, Rfc9162.HashChildren(leaf0, leaf1)), _key, Origin));
        File.WriteAllText(_dir.File("new-other-origin"),
            CheckpointSigner.Sign(new Checkpoint("other.example/log", 2, Rfc9162.HashChildren(leaf0, leaf1)), _key, Origin));
        File.WriteAllText(_dir.File("proof"), Convert.ToBase64String(leaf1) + "\n");
    }

    [TearDown]
    public void TearDown()
    {
        _key.Dispose();
        _dir.Dispose();
    }

    private Mpcsign.Result Run(string newFile) => Mpcsign.Run(_dir.File("data"), "tlog", "verify-consistency",
        "--old", _dir.File("old"), "--new", _dir.File(newFile), "--proof", _dir.File("proof"),
        "--verifier-key", new NoteKey(Origin, _key.PublicKey).VerifierKey);

    [Test]
    public void VerifyConsistency_SameOrigin_ExitsZero()
    {
        var r = Run("new");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Err);
        Assert.That(r.Out, Does.Contain($"consistent: {Origin} grew from 1 to 2"));
    }

    [Test]
    public void VerifyConsistency_NewCheckpointReSignedUnderAnotherOrigin_RefusedNamingBothOrigins()
    {
        var r = Run("new-other-origin");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.Out);
        var lines = r.Err.Trim().Split('\n');
        Assert.That(lines, Has.Length.EqualTo(1), r.Err);
        Assert.That(lines[0], Does.Contain($"'{Origin}'").And.Contain("'other.example/log'").And.Contain("different logs"));
        Assert.That(r.Out, Does.Not.Contain("consistent"));
    }
}
