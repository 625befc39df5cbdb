using MpcSigning.Policy;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Cli;

/// <summary>
/// The trust policy from the command line: v1 at set-up, open enrolment closed after it, a change (enrol Dave as a
/// steward) proposed as a session the stewards approve with 'join', applied, then an artifact approved by Dave verified
/// from the v1 pin; a chain whose change lost its approvals is refused.
/// </summary>
[NonParallelizable]
public class PolicyCommandsTests
{
    private TempDir _dir = null!;

    [SetUp]
    public void Dir() => _dir = new TempDir();

    [TearDown]
    public void Clean() => _dir.Dispose();

    private string Data => _dir.File("node");
    private string Keys => _dir.File("keys");

    private Mpcsign.Result Ok(params string[] args)
    {
        var r = Mpcsign.Run(Data, args);
        Assert.That(r.ExitCode, Is.EqualTo(0), $"mpcsign {string.Join(' ', args)}: {r.Err}");
        return r;
    }

    private Mpcsign.Result Refused(params string[] args)
    {
        var r = Mpcsign.Run(Data, args);
        Assert.That(r.ExitCode, Is.EqualTo(1), $"mpcsign {string.Join(' ', args)} should be refused: {r.Out}");
        Assert.That(r.Err.Trim().Split('\n').Last(), Does.StartWith("mpcsign: "));
        return r;
    }

    private void Join(string session, string name) =>
        Ok("join", "--authenticator-dir", Keys, "--session", session, "--name", name, "--email", name.ToLowerInvariant() + "@example.com");

    [Test]
    public void PolicyChange_IsASessionTheStewardsApprove_AndVerifyWalksToIt()
    {
        foreach (var (name, role) in new[] { ("Alice", "engineer"), ("Bob", "steward"), ("Carol", "steward") })
            Ok("enroll", "--authenticator-dir", Keys, "--name", name, "--email", name.ToLowerInvariant() + "@example.com", "--role", role);
        var init = Ok("policy", "init");
        var pin = init.Out.Split('\n').Single(l => l.StartsWith("pin (v1)")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1];

        var typed = Refused("enroll", "--authenticator-dir", Keys, "--name", "Mallory", "--email", "mallory@example.com", "--role", "steward");
        Assert.That(typed.Err, Does.Contain("policy change"));

        var session = Ok("policy", "propose", "--authenticator-dir", Keys, "--enroll", "dave@example.com", "--name", "Dave", "--role", "steward").Out.Trim();
        Join(session, "Alice");
        Join(session, "Bob");
        Assert.That(Refused("policy", "apply", "--session", session).Err, Does.Contain("not complete"));
        Join(session, "Carol");
        Assert.That(Ok("policy", "apply", "--session", session).Out, Does.Contain("trust policy v2").And.Contain("Dave <dave@example.com> (steward)"));

        File.WriteAllText(_dir.File("app.tar.gz"), "release 1.0\n");
        var artifact = Ok("request", "--artifact", _dir.File("app.tar.gz")).Out.Trim();
        Join(artifact, "Alice");
        Join(artifact, "Dave");
        Join(artifact, "Carol");
        var root = _dir.File("trust-root.json");
        Ok("trust-root", "--out", root);
        var bundle = Path.Combine(Data, "bundles", artifact + ".json");
        var verified = Ok("verify", "--bundle", bundle, "--artifact", _dir.File("app.tar.gz"), "--trust-root", root, "--policy-pin", pin);
        Assert.That(verified.Out, Does.Contain("under trust policy v2"));

        // The chain as an insider might hand it out: the change to v2 stripped of its approvals.
        var chain = PolicyJson.ReadChain(File.ReadAllBytes(_dir.File("trust-root.policy.json")));
        Assert.That(chain.Versions[1].Approvals, Has.Count.EqualTo(2));
        chain.Versions[1].Approvals.Clear();
        File.WriteAllBytes(_dir.File("stripped.json"), PolicyJson.WriteChain(chain));
        var stripped = Refused("verify", "--bundle", bundle, "--artifact", _dir.File("app.tar.gz"), "--trust-root", root, "--policy", _dir.File("stripped.json"),
            "--policy-pin", pin);
        Assert.That(stripped.Err, Does.Contain("trust policy v2 is approved by 0 steward(s) of v1; its rule needs 2"));
    }

    /// <summary>
    /// Once the stewards lower the rule to one steward, the coordinator and the signers take it from the policy (the
    /// configuration still says two), and the bundle verifies from the v1 pin the trust root names.
    /// </summary>
    [Test]
    public void RuleChange_IsTheRuleOfTheNextSession_NotTheConfiguredOne()
    {
        foreach (var (name, role) in new[] { ("Alice", "engineer"), ("Bob", "steward"), ("Carol", "steward") })
            Ok("enroll", "--authenticator-dir", Keys, "--name", name, "--email", name.ToLowerInvariant() + "@example.com", "--role", role);
        Ok("policy", "init");
        var session = Ok("policy", "propose", "--required-stewards", "1").Out.Trim();
        foreach (var name in new[] { "Alice", "Bob", "Carol" }) Join(session, name);
        Assert.That(Ok("policy", "apply", "--session", session).Out, Does.Contain("1 engineer(s) and 1 steward(s)"));

        File.WriteAllText(_dir.File("app.tar.gz"), "release 2.0\n");
        var artifact = Ok("request", "--artifact", _dir.File("app.tar.gz")).Out.Trim();
        Join(artifact, "Alice");
        var last = Mpcsign.Run(Data, "join", "--authenticator-dir", Keys, "--session", artifact, "--name", "Bob", "--email", "bob@example.com");
        Assert.That(last.Out, Does.Contain("signed, certified and logged"), last.Err);
        var root = _dir.File("trust-root.json");
        Ok("trust-root", "--out", root);
        var verified = Mpcsign.Run(_dir.File("verifier"), "verify", "--bundle", Path.Combine(Data, "bundles", artifact + ".json"),
            "--artifact", _dir.File("app.tar.gz"), "--trust-root", root);
        Assert.That(verified.Out, Does.StartWith("verified:").And.Contain("under trust policy v2"), verified.Err);
    }

    [TestCase("bоb@example.com", "several scripts")] // Cyrillic о
    [TestCase("аррӏе@example.com", "several scripts")]
    [TestCase("bob\u200b@example.com", "invisible")]
    public void Enroll_LookAlikeEmail_IsRefusedInOneLine(string email, string why)
    {
        var r = Refused("enroll", "--authenticator-dir", Keys, "--name", "Bob", "--email", email, "--role", "steward");
        Assert.That(r.Err, Does.Contain(why));
        Assert.That(r.Err.Trim().Split('\n'), Has.Length.EqualTo(1));
    }
}
