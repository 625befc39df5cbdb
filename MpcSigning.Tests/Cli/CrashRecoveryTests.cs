using MpcSigning.Bundle.Mpcsign;
using MpcSigning.Bundle.Sigstore;
using MpcSigning.Hosting;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Cli;

/// <summary>
/// kill -9 at every persisted step of a session (the real binary SIGKILLs itself right after the event is durable,
/// see <see cref="CrashPoint"/>), then the next command: it finishes promptly, and a session cut off mid-signing is
/// finished by the next node start, signed and logged exactly once.
/// </summary>
[NonParallelizable]
public class CrashRecoveryTests
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(30);
    private TempDir _dir = null!;

    [SetUp]
    public void Enroll()
    {
        _dir = new TempDir();
        foreach (var (name, role) in new[] { ("Alice", "engineer"), ("Bob", "steward"), ("Carol", "steward") })
            Ok(Run("enroll", "--name", name, "--email", Email(name), "--role", role, "--authenticator-dir", Auth));
    }

    [TearDown]
    public void Clean() => _dir.Dispose();

    private string Data => _dir.File("data");

    private string Auth => _dir.File("auth");

    private static string Email(string name) => name.ToLowerInvariant() + "@example.com";

    private Mpcsign.Result Run(params string[] args) => Mpcsign.RunWith([], Data, Prompt, args);

    private Mpcsign.Result CrashAfter(string kind, params string[] args) => Mpcsign.RunWith([(CrashPoint.Variable, kind)], Data, Prompt, args);

    private static Mpcsign.Result Ok(Mpcsign.Result r)
    {
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Err);
        return r;
    }

    private static void Killed(Mpcsign.Result r) => Assert.That(r.ExitCode, Is.EqualTo(137), $"expected SIGKILL (137), got {r.ExitCode}: {r.Err}");

    private string[] Join(string session, string name) =>
        ["join", "--session", session, "--name", name, "--email", Email(name), "--authenticator-dir", Auth];

    private string Request(string digest) => Ok(Run("request", "--artifact-digest", digest)).Out.Trim();

    private static string NewDigest() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>The session's bundle verifies, names all three approvers, and the log holds one entry for the digest.</summary>
    private void AssertSignedOnce(string session, string digest)
    {
        var status = Ok(Run("status", "--session", session)).Out;
        Assert.That(status, Does.Contain("signed, certified and logged"), status);
        var verify = Ok(Run("verify", "--artifact-digest", digest));
        Assert.That(verify.Out, Does.StartWith("verified:"));
        using var node = TestNodeOn(Data);
        var entries = node.Host.TransparencyLog.FindByArtifactDigestAsync(digest).GetAwaiter().GetResult();
        Assert.That(entries, Has.Count.EqualTo(1), "one log entry per session, whatever crashed");
        var bundle = SigstoreBundleJson.Read(File.ReadAllBytes(node.Host.BundlePath(Convert.FromHexString(session))));
        Assert.That(MpcsignSection.Read(bundle.Mpcsign!.Value).Approvals.Select(a => a.ParticipantEmail),
            Is.EqualTo(new[] { "alice@example.com", "bob@example.com", "carol@example.com" }));
    }

    private static SyncNode TestNodeOn(string data) => new(NodeHost.StartAsync(TestNode.Config(), DataDirectory.Open(data), TimeProvider.System)
        .GetAwaiter().GetResult());

    private sealed class SyncNode(NodeHost host) : IDisposable
    {
        public NodeHost Host { get; } = host;

        public void Dispose() => Host.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Test]
    public void Kill_AfterRequested_NextRequestAndSessionComplete()
    {
        Killed(CrashAfter("Requested", "request", "--artifact-digest", NewDigest()));
        var digest = NewDigest();
        var session = Request(digest);
        foreach (var who in new[] { "Alice", "Bob", "Carol" }) Ok(Run(Join(session, who)));
        AssertSignedOnce(session, digest);
    }

    [Test]
    public void Kill_AfterApproved_ApprovalKeptAndSessionCompletes()
    {
        var digest = NewDigest();
        var session = Request(digest);
        Killed(CrashAfter("Approved", Join(session, "Alice")));
        Assert.That(Ok(Run("status", "--session", session)).Out, Does.Contain("Alice <alice@example.com> (engineer)"));
        Ok(Run(Join(session, "Bob")));
        Ok(Run(Join(session, "Carol")));
        AssertSignedOnce(session, digest);
    }

    [TestCase("QuorumReached")]
    [TestCase("Signed")]
    [TestCase("Logged")]
    public void Kill_MidSigning_NextCommandFinishesTheSessionOnce(string step)
    {
        var digest = NewDigest();
        var session = Request(digest);
        Ok(Run(Join(session, "Alice")));
        Ok(Run(Join(session, "Bob")));
        Killed(CrashAfter(step, Join(session, "Carol")));
        AssertSignedOnce(session, digest);
        var again = Run(Join(session, "Carol"));
        Assert.That(again.ExitCode, Is.EqualTo(1));
        Assert.That(again.Err, Does.Contain("already signed and logged"));
    }
}
