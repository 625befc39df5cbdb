using System.Text;
using System.Text.Json.Nodes;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Cli;

/// <summary>
/// Broken input reaches the user as one line naming what is wrong, with exit 1 or 2: never exit 70 ("internal error"),
/// which is kept for bugs.
/// </summary>
[NonParallelizable]
public class InputErrorTests
{
    private TempDir _dir = null!;

    [OneTimeSetUp]
    public void SignOnce()
    {
        _dir = new TempDir();
        var demo = Mpcsign.Run(Node, "demo", "--out", _dir.File("out"));
        Assert.That(demo.ExitCode, Is.EqualTo(0), demo.Err);
    }

    [OneTimeTearDown]
    public void Clean() => _dir.Dispose();

    private string Node => _dir.File("node");

    private string Out(string name) => _dir.File(Path.Combine("out", name));

    private static void AssertOneLine(Mpcsign.Result r, string mentions)
    {
        Assert.That(r.ExitCode, Is.AnyOf(1, 2), r.Err);
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.Contains(" WRN] ")).ToArray();
        Assert.That(lines, Has.Length.EqualTo(1), r.Err);
        Assert.That(lines[0], Does.Contain(mentions));
        Assert.That(r.Err, Does.Not.Contain("internal error").And.Not.Contain("   at "));
    }

    /// <summary>The demo's bundle with mpcsign.approvals[0].name set to a marker, then the marker's bytes replaced.</summary>
    private byte[] BundleWithName(byte[] nameBytes)
    {
        var root = JsonNode.Parse(File.ReadAllBytes(Out("bundle.json")))!;
        root["mpcsign"]!["approvals"]![0]!["name"] = "MARKER";
        var text = Encoding.UTF8.GetBytes(root.ToJsonString());
        var at = text.AsSpan().IndexOf("MARKER"u8);
        return [.. text[..at], .. nameBytes, .. text[(at + 6)..]];
    }

    private byte[] BundleWith(Action<JsonNode> edit)
    {
        var root = JsonNode.Parse(File.ReadAllBytes(Out("bundle.json")))!;
        edit(root);
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private Mpcsign.Result Verify(byte[] bundle)
    {
        var path = _dir.File("mutated-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllBytes(path, bundle);
        return Mpcsign.Run(Node, "verify", "--bundle", path, "--artifact", Out("artifact"), "--trust-root", Out("trust-root.json"));
    }

    [Test]
    public void Verify_ApprovalThatIsNotAnObject_NamesIt() =>
        AssertOneLine(Verify(BundleWith(b => b["mpcsign"]!["approvals"]![0] = 7)), "mpcsign.approvals[0]");

    [TestCase("\"yesterday\"")]
    [TestCase("{}")]
    [TestCase("1.5")]
    public void Verify_ApprovedAtThatIsNotAWholeNumber_NamesIt(string value) =>
        AssertOneLine(Verify(BundleWith(b => b["mpcsign"]!["approvals"]![0]!["approvedAt"] = JsonNode.Parse(value))), "mpcsign.approvals[0].approvedAt");

    [Test]
    public void Verify_InvalidUtf8InAString_NamesTheField() =>
        AssertOneLine(Verify(BundleWithName([(byte)'A', 0xFF, (byte)'B'])), "mpcsign.approvals[0].name");

    [Test]
    public void Verify_EscapedUnpairedSurrogateInAString_NamesTheField() =>
        AssertOneLine(Verify(BundleWithName("A\\ud800B"u8.ToArray())), "mpcsign.approvals[0].name");

    [Test]
    public void Verify_CheckpointWithoutSignatureLines_IsRefusedInOneLine() =>
        AssertOneLine(Verify(BundleWith(b =>
        {
            var checkpoint = b["verificationMaterial"]!["tlogEntries"]![0]!["inclusionProof"]!["checkpoint"]!;
            var envelope = (string)checkpoint["envelope"]!;
            checkpoint["envelope"] = envelope[..(envelope.IndexOf("\n\n", StringComparison.Ordinal) + 2)];
        })), "signature line");

    [Test]
    public void TlogVerifyConsistency_CheckpointWithoutSignatureLines_IsRefusedInOneLine()
    {
        var note = Mpcsign.Run(Node, "tlog", "checkpoint").Out;
        File.WriteAllText(_dir.File("unsigned.cp"), note[..(note.IndexOf("\n\n", StringComparison.Ordinal) + 2)]);
        File.WriteAllText(_dir.File("empty.proof"), "");

        var r = Mpcsign.Run(Node, "tlog", "verify-consistency", "--old", _dir.File("unsigned.cp"), "--new", _dir.File("unsigned.cp"),
            "--proof", _dir.File("empty.proof"));

        AssertOneLine(r, "signature line");
    }

    [TestCase("verify", "--bundle")]
    [TestCase("verify", "--trust-root")]
    [TestCase("verify", "--artifact")]
    [TestCase("tlog", "--old")]
    [TestCase("attest", "--report")]
    public void FileOption_GivenADirectory_SaysItIsADirectory(string command, string option)
    {
        var args = command switch
        {
            "verify" => new List<string> { "verify", "--bundle", Out("bundle.json"), "--artifact", Out("artifact"), "--trust-root", Out("trust-root.json") },
            "tlog" => ["tlog", "verify-consistency", "--old", Out("bundle.json"), "--new", Out("bundle.json"), "--proof", Out("bundle.json")],
            _ => ["attest", "verify", "--report", Out("bundle.json"), "--cert", Out("ca.pem")],
        };
        args[args.IndexOf(option) + 1] = _dir.Path;

        AssertOneLine(Mpcsign.Run(Node, [.. args]), $"{option}: '{_dir.Path}' is a directory");
    }
}
