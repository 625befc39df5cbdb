using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.Json;
using MpcSigning.Hosting;
using MpcSigning.Interop;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Cli;

/// <summary>
/// Many mpcsign processes on one data directory: one node at a time (the directory's flock), the others wait for it or,
/// with --wait 0, fail at once naming the holder; a holder killed with SIGKILL blocks nobody; and one authenticator used
/// by several processes at once never repeats a counter.
/// </summary>
[NonParallelizable]
public class DataDirectoryLockTests
{
    private const int Sessions = 20;
    private static readonly string[] Cast = ["Alice", "Bob", "Carol"];
    private static readonly TimeSpan PerProcess = TimeSpan.FromMinutes(3);
    private TempDir _dir = null!;

    [SetUp]
    public void Dir() => _dir = new TempDir();

    [TearDown]
    public void Clean() => _dir.Dispose();

    private string Data => _dir.File("data");

    private string Auth => _dir.File("auth");

    private static string Email(string name) => name.ToLowerInvariant() + "@example.com";

    private static string NewDigest() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private string[] Join(string session, string name) =>
        ["join", "--session", session, "--name", name, "--email", Email(name), "--authenticator-dir", Auth];

    private static Mpcsign.Result Ok(Mpcsign.Result r, string what)
    {
        Assert.That(r.ExitCode, Is.EqualTo(0), $"{what}: {r.Err}");
        return r;
    }

    /// <summary>stderr without the simulated-attestation warning every node start logs.</summary>
    private static string[] ErrorLines(Mpcsign.Result r) =>
        r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.Contains(" WRN] ")).ToArray();

    private void EnrollCast()
    {
        foreach (var name in Cast)
            Ok(Mpcsign.Run(Data, "enroll", "--name", name, "--email", Email(name), "--role", name == "Alice" ? "engineer" : "steward",
                "--authenticator-dir", Auth), "enroll " + name);
    }

    [Test]
    public async Task TwentySessions_FromParallelProcessesOnOneDataDirectory_AllCompleteAndAreLoggedOnceEach()
    {
        EnrollCast();
        using var processes = new MpcsignProcesses(limit: Sessions, PerProcess);
        var clock = Stopwatch.StartNew();
        var chains = await Task.WhenAll(Enumerable.Range(0, Sessions).Select(_ => ChainAsync(processes)));
        var elapsed = clock.Elapsed;
        TestContext.Out.WriteLine($"{Sessions} sessions (request + 3 joins each, {Sessions * 4} processes) took {elapsed.TotalSeconds:F1} s");

        Assert.That(chains.Select(c => c.Session).Distinct().Count(), Is.EqualTo(Sessions));
        Assert.That(chains.Select(c => c.LogIndex).Order().ToArray(), Is.EqualTo(Enumerable.Range(0, Sessions).Select(i => (long)i).ToArray()));
        var checkpoint = JsonDocument.Parse(Ok(Mpcsign.Run(Data, "tlog", "checkpoint", "--json"), "checkpoint").Out);
        Assert.That(checkpoint.RootElement.GetProperty("treeSize").GetInt64(), Is.EqualTo(Sessions));
        var logged = await Task.WhenAll(Enumerable.Range(0, Sessions).Select(async i =>
        {
            var entry = JsonDocument.Parse(Ok(await processes.RunAsync(Data, "tlog", "get", "--index", i.ToString(), "--json"), "tlog get").Out);
            return (Session: entry.RootElement[0].GetProperty("sessionId").GetString(), Digest: entry.RootElement[0].GetProperty("artifactDigest").GetString());
        }));
        Assert.That(logged, Is.EquivalentTo(chains.Select(c => (c.Session, c.Digest))), "each session logged once, with its own artifact");

        // An offline check never takes the node's lock: it succeeds while another process holds the directory.
        var trustRoot = _dir.File("trust-root.json");
        Ok(Mpcsign.Run(Data, "trust-root", "--out", trustRoot), "trust-root");
        using (await DataDirectory.Open(Data).LockAsync(TimeSpan.Zero, status: null))
        {
            var verify = Ok(Mpcsign.Run(Data, "verify", "--bundle", chains[0].Bundle, "--artifact-digest", chains[0].Digest,
                "--trust-root", trustRoot, "--wait", "0"), "verify --bundle --trust-root");
            Assert.That(verify.Out, Does.StartWith("verified:"));
        }
    }

    /// <summary>request, then Alice, Bob and Carol join, each a separate process; on any failure every process is killed.</summary>
    private async Task<(string Session, string Digest, long LogIndex, string Bundle)> ChainAsync(MpcsignProcesses processes)
    {
        try
        {
            var digest = NewDigest();
            // 80 processes queue for one lock: on a loaded machine the last may wait longer than the default 120 s.
            // Wait as long as the per-process bound allows; what is tested is that all complete, not how fast.
            (string, string)[] patient = [(DataDirectory.LockWaitVariable, ((int)PerProcess.TotalSeconds - 10).ToString())];
            var session = Ok(await processes.RunAsync(patient, Data, "request", "--artifact-digest", digest), "request").Out.Trim();
            Mpcsign.Result last = null!;
            foreach (var name in Cast) last = Ok(await processes.RunAsync(patient, Data, Join(session, name)), $"join {name} {session}");
            var lines = last.Out.Split('\n').Select(l => l.Trim()).ToArray();
            Assert.That(lines, Has.Some.EqualTo("state      signed, certified and logged"), last.Out);
            var index = long.Parse(lines.Single(l => l.StartsWith("log index")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]);
            var bundle = lines.Single(l => l.StartsWith("bundle")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1];
            return (session, digest, index, bundle);
        }
        catch
        {
            processes.KillAll();
            throw;
        }
    }

    [Test]
    public async Task SameApprover_TwoSessionsFromTwoProcessesAtOnce_BothApprovalsAreAccepted()
    {
        EnrollCast();
        var sessions = Enumerable.Range(0, 2)
            .Select(_ => Ok(Mpcsign.Run(Data, "request", "--artifact-digest", NewDigest()), "request").Out.Trim()).ToArray();
        using var processes = new MpcsignProcesses(limit: 2, PerProcess);
        var joins = await Task.WhenAll(sessions.Select(s => processes.RunAsync(Data, Join(s, "Alice"))));
        foreach (var j in joins)
        {
            Assert.That(j.ExitCode, Is.EqualTo(0), j.Err);
            Assert.That(j.Out, Does.Contain("approvals  Alice <alice@example.com> (engineer)"));
        }
        Assert.That(Ok(Mpcsign.Run(Data, "authn", "list"), "authn list").Out, Does.Contain("alice@example.com\tengineer\tAlice\tsignCount 2"));
    }

    [Test]
    public async Task OneAuthenticator_UsedByEightProcessesAtOnce_EveryAssertionHasItsOwnCounter()
    {
        Ok(Mpcsign.Run(Data, "authn", "create-authenticator", "--email", "alice@example.com", "--authenticator-dir", Auth), "create");
        using var processes = new MpcsignProcesses(limit: 8, PerProcess);
        var approvals = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => processes.RunAsync(Data, "authn", "approve",
            "--email", "alice@example.com", "--authenticator-dir", Auth, "--session", new string('1', 32), "--digest", new string('a', 64))));
        var counters = approvals.Select(r =>
        {
            Ok(r, "authn approve");
            var assertion = MpcSigning.Proto.AuthN.Assertion.Parser.ParseFrom(Convert.FromBase64String(r.Out.Trim()));
            return BinaryPrimitives.ReadUInt32BigEndian(assertion.AuthenticatorData.Span[33..37]);
        });
        Assert.That(counters.Order().ToArray(), Is.EqualTo(Enumerable.Range(1, 8).Select(i => (uint)i).ToArray()));
    }

    [Test]
    public async Task HeldByAnotherProcess_WaitZeroFailsAtOnceNamingIt_AndAfterKill9TheNextCommandIsNotBlocked()
    {
        using var processes = new MpcsignProcesses(limit: 4, PerProcess);
        // tlog load holds the directory's lock for as long as it appends; its first acknowledged append proves it has it.
        var holder = processes.Start([], Data, "tlog", "load", "--count", "10000000", "--writers", "1");
        var first = await holder.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.That(first, Does.StartWith("ack "), "tlog load appended while holding the lock");

        foreach (var args in new[] { new[] { "status", "--session", new string('0', 32) }, ["tlog", "checkpoint"], ["authn", "list"] })
        {
            var clock = Stopwatch.StartNew();
            var refused = await processes.RunAsync(Data, [.. args, "--wait", "0"]);
            Assert.That(refused.ExitCode, Is.EqualTo(1), refused.Err);
            Assert.That(clock.Elapsed, Is.LessThan(DataDirectory.DefaultLockWait / 2), "it does not wait");
            var lines = ErrorLines(refused);
            Assert.That(lines, Has.Length.EqualTo(1), refused.Err);
            Assert.That(lines[0], Does.Contain($"is in use by pid {holder.Id} (mpcsign tlog load").And.Contain("--wait SECONDS"));
            Assert.That(refused.Err, Does.Not.Contain("waiting for").And.Not.Contain("   at "));
        }

        holder.Kill(); // SIGKILL: no finally, no Dispose; only the kernel releases the lock
        await holder.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.That(holder.ExitCode, Is.EqualTo(137), "killed by signal 9");
        Assert.That(File.ReadAllText(Path.Combine(Data, DataDirectory.LockFileName)), Does.StartWith($"pid {holder.Id}: mpcsign tlog load"),
            "the dead holder's lock file is still there");
        var next = Ok(await processes.RunAsync(Data, "request", "--artifact-digest", NewDigest(), "--wait", "0"), "request after kill -9");
        Assert.That(next.Out.Trim(), Has.Length.EqualTo(32));
    }

    [Test]
    public async Task HeldByAnotherProcess_DefaultWait_SaysOnceWhomItWaitsForAndRunsWhenReleased()
    {
        using var held = await DataDirectory.Open(Data).LockAsync(TimeSpan.Zero, status: null);
        using var processes = new MpcsignProcesses(limit: 1, PerProcess);
        var waiter = processes.Start([], Data, "request", "--artifact-digest", NewDigest());
        var stderr = new List<string>();
        string? line;
        while ((line = await waiter.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1))) is not null && !line.Contains("waiting for"))
            stderr.Add(line);
        Assert.That(line, Is.EqualTo($"mpcsign: waiting for {Data}: in use by {LockHolder.Current}; giving up after 120 s (--wait SECONDS)"));
        await Task.Delay(500);
        Assert.That(waiter.HasExited, Is.False, "it waits while the directory is held");
        held.Dispose();
        var rest = await waiter.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromMinutes(1));
        var output = await waiter.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromMinutes(1));
        await waiter.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.That(waiter.ExitCode, Is.EqualTo(0), rest);
        Assert.That(output.Trim(), Has.Length.EqualTo(32), "the session id");
        Assert.That(rest, Does.Not.Contain("waiting for"), "said once");
    }

    [Test]
    public void MalformedWait_IsAConfigurationErrorNamingTheSetting()
    {
        var r = Mpcsign.RunWith([(DataDirectory.LockWaitVariable, "soon")], Data, "status", "--session", new string('0', 32));
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(ErrorLines(r), Is.EqualTo(new[] { $"mpcsign: configuration error: {DataDirectory.LockWaitVariable}: must be a whole number of seconds from 0 (fail at once) to 86400, got 'soon'" }));
    }
}
