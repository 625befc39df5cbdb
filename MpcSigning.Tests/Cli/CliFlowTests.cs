using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Cli;

/// <summary>The binary as a user runs it: the demo, the flow command by command, and one-line errors.</summary>
[NonParallelizable]
public class CliFlowTests
{
    private TempDir _dir = null!;

    [SetUp]
    public void Dir() => _dir = new TempDir();

    [TearDown]
    public void Clean() => _dir.Dispose();

    private string Data => _dir.File("data");

    [Test]
    public void Demo_RunTwiceOnOneDataDirectory_VerifiesBothTimesAndOpenSslAgrees()
    {
        for (var run = 0; run < 2; run++)
        {
            var r = Mpcsign.Run(Data, "demo", "--out", _dir.File("out"));
            Assert.That(r.ExitCode, Is.EqualTo(0), r.Err);
            Assert.That(r.Out, Does.Contain("Bundle verified"));
        }
        foreach (var f in new[] { "bundle.json", "artifact", "ca.pem", "trust-root.json" })
            Assert.That(File.Exists(_dir.File(Path.Combine("out", f))), f);
        var ok = Mpcsign.Run(Data, "verify", "--bundle", _dir.File("out/bundle.json"), "--artifact", _dir.File("out/artifact"),
            "--trust-root", _dir.File("out/trust-root.json"), "--ca", _dir.File("out/ca.pem"));
        Assert.That(ok.ExitCode, Is.EqualTo(0), ok.Err);
        File.AppendAllText(_dir.File("out/artifact"), "tampered");
        var bad = Mpcsign.Run(Data, "verify", "--bundle", _dir.File("out/bundle.json"), "--artifact", _dir.File("out/artifact"));
        Assert.That(bad.ExitCode, Is.Not.EqualTo(0));
        Assert.That(bad.Err.Trim().Split('\n').Last(), Does.StartWith("mpcsign: verification failed"));
    }

    [Test]
    public void Flow_CommandByCommand_SignsOnTheThirdJoinAndVerifiesByDigest()
    {
        var auth = _dir.File("auth");
        foreach (var (name, role) in new[] { ("Alice", "engineer"), ("Bob", "steward"), ("Carol", "steward") })
        {
            var e = Mpcsign.Run(Data, "enroll", "--name", name, "--email", $"{name.ToLowerInvariant()}@example.com", "--role", role, "--authenticator-dir", auth);
            Assert.That(e.ExitCode, Is.EqualTo(0), e.Err);
        }
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var req = Mpcsign.Run(Data, "request", "--artifact-digest", digest);
        Assert.That(req.ExitCode, Is.EqualTo(0), req.Err);
        var session = req.Out.Trim();
        Assert.That(session, Has.Length.EqualTo(32));

        string Join(string name) => Mpcsign.Run(Data, "join", "--session", session, "--name", name, "--email", $"{name.ToLowerInvariant()}@example.com", "--authenticator-dir", auth).Out;
        Assert.That(Join("Alice"), Does.Contain("awaiting approvals"));
        Assert.That(Join("Bob"), Does.Contain("1 more steward"));
        var status = Mpcsign.Run(Data, "status", "--session", session).Out;
        Assert.That(status, Does.Contain("Alice <alice@example.com> (engineer)").And.Contain("Bob <bob@example.com> (steward)"));
        Assert.That(Join("Carol"), Does.Contain("signed, certified and logged").And.Contain("bundle"));

        var verify = Mpcsign.Run(Data, "verify", "--artifact-digest", digest);
        Assert.That(verify.ExitCode, Is.EqualTo(0), verify.Err);
        Assert.That(verify.Out, Does.StartWith("verified:"));
    }

    [TestCase(new[] { "request", "--artifact-digest", "xyz" }, "--artifact-digest")]
    [TestCase(new[] { "status", "--session", "nope" }, "--session")]
    [TestCase(new[] { "enroll", "--name", "Eve", "--email", "eve@example.com", "--role", "admin" }, "role")]
    [TestCase(new[] { "verify", "--bundle", "/nonexistent.json", "--artifact-digest", "0000000000000000000000000000000000000000000000000000000000000000" }, "does not exist")]
    public void Command_BadInput_FailsWithOneLineAndNoStackTrace(string[] args, string mentions)
    {
        var r = Mpcsign.Run(Data, args);
        Assert.That(r.ExitCode, Is.Not.EqualTo(0));
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.Contains("WRN")).ToArray();
        Assert.That(lines, Has.Length.EqualTo(1), r.Err);
        Assert.That(lines[0], Does.Contain(mentions));
        Assert.That(r.Err, Does.Not.Contain("   at "));
    }

    [Test]
    public void Node_MalformedTeePolicyHash_RefusesToStartNamingTheVariable()
    {
        var r = Mpcsign.RunWith([("TEE_POLICY_HASH", "not-hex")], Data, "status", "--session", new string('0', 32));
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Err.Trim(), Does.Contain("TEE_POLICY_HASH"));
    }
}
