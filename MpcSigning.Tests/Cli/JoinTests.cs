using System.Text.Json;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Cli;

/// <summary>'mpcsign join' as a script sees it: its exit code tells the outcome, and a repeated join changes nothing.</summary>
[NonParallelizable]
public class JoinTests
{
    private TempDir _dir = null!;

    [OneTimeSetUp]
    public void Enroll()
    {
        _dir = new TempDir();
        foreach (var (name, role) in new[] { ("Alice", "engineer"), ("Bob", "steward"), ("Carol", "steward") })
        {
            var e = Mpcsign.Run(Data, "enroll", "--name", name, "--email", Email(name), "--role", role, "--authenticator-dir", Auth);
            Assert.That(e.ExitCode, Is.EqualTo(0), e.Err);
        }
    }

    [OneTimeTearDown]
    public void Clean() => _dir.Dispose();

    private string Data => _dir.File("data");

    private string Auth => _dir.File("auth");

    private static string Email(string name) => name.ToLowerInvariant() + "@example.com";

    private string Request(params (string, string)[] env)
    {
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var r = Mpcsign.RunWith(env, Data, "request", "--artifact-digest", digest);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Err);
        return r.Out.Trim();
    }

    private Mpcsign.Result Join(string session, string name, params (string, string)[] env) =>
        Mpcsign.RunWith(env, Data, "join", "--session", session, "--name", name, "--email", Email(name), "--authenticator-dir", Auth);

    private long FileCounter(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Auth, Email(name) + ".json"))).RootElement.GetProperty("signCount").GetInt64();

    private string StoredCounter(string name)
    {
        var list = Mpcsign.Run(Data, "authn", "list");
        Assert.That(list.ExitCode, Is.EqualTo(0), list.Err);
        return list.Out.Split('\n').Single(l => l.StartsWith(Email(name))).Split("signCount ")[1].Trim();
    }

    [Test]
    public void Join_SameApproverTwice_TheSecondChangesNothingNotEvenTheCounters()
    {
        var session = Request();
        var first = Join(session, "Alice");
        Assert.That(first.ExitCode, Is.EqualTo(0), first.Err);
        var (file, stored) = (FileCounter("Alice"), StoredCounter("Alice"));

        var again = Join(session, "Alice");

        Assert.That(again.ExitCode, Is.EqualTo(0), again.Err);
        Assert.That(again.Out, Does.Contain("nothing changed"));
        Assert.That(FileCounter("Alice"), Is.EqualTo(file), "the authenticator file's counter advanced");
        Assert.That(StoredCounter("Alice"), Is.EqualTo(stored), "the stored counter advanced");
    }

    [Test]
    public void Join_SessionThatEndsFailed_ExitsOne()
    {
        // Requested while the policy asked for one steward; the quorum completes under today's policy of two, and the
        // signers, which check the evidence against today's policy themselves, refuse: the session ends failed.
        var session = Request(("REQUIRED_STEWARDS", "1"));
        Assert.That(Join(session, "Alice").ExitCode, Is.EqualTo(0));

        var last = Join(session, "Bob");

        Assert.That(last.Out, Does.Contain("state      failed"));
        Assert.That(last.ExitCode, Is.EqualTo(1), last.Err);
        Assert.That(last.Err.Trim().Split('\n').Last(), Does.Contain("failed"));
    }

    [Test]
    public void Join_ByAParticipantNotEnrolled_IsOneLineNamingThem()
    {
        var session = Request();

        var r = Mpcsign.Run(Data, "join", "--session", session, "--name", "Dave", "--email", "dave@example.com", "--authenticator-dir", Auth);

        Assert.That(r.ExitCode, Is.EqualTo(1), r.Err);
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.Contains("WRN")).ToArray();
        Assert.That(lines, Has.Length.EqualTo(1), r.Err);
        Assert.That(lines[0], Does.Contain("dave@example.com").And.Not.Contain("internal error"));
    }
}
