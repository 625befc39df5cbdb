using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MpcSigning.Cli;
using MpcSigning.Hosting;
using MpcSigning.Hosting.Cluster;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Cluster;

/// <summary>
/// The 7-member cluster of config/cluster/ (authn, ca, tlog, coordinator, three signers), each a real <c>mpcsign node</c>
/// process on 127.0.0.1, started once for the fixture. First the whole flow through the CLI as a cluster client; then one
/// member at a time is killed at a chosen step (kill -9, or the process SIGKILLs itself at a crash step) and started
/// again: the session it cut ends signed and logged exactly once, or failed with its reason (never twice), with the
/// approvals recorded before the kill kept, and the next session runs through the whole cluster again.
/// The later tests drive the cluster through an in-process client (the same <see cref="ClusterConnection"/> the CLI uses).
/// </summary>
[NonParallelizable]
public class ClusterFlowTests
{
    /// <summary>Short service timeout: a request to a killed member fails (and its step is retried) within seconds.</summary>
    private static readonly (string, string)[] Env = [("MPCSIGN_SERVICE_TIMEOUT_SECONDS", "8"), ("MPCSIGN_ALLOW_SIMULATED_ATTESTATION", "true")];

    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(60);

    private ClusterMembers _cluster = null!;
    private ClusterConnection _client = null!;

    private string Auth => _cluster.Dir.File("authenticators");

    private string ClientDir => _cluster.Dir.File("client");

    [OneTimeSetUp]
    public async Task StartCluster()
    {
        _cluster = new ClusterMembers(Env);
        _cluster.StartAll();
        var env = _cluster.ClusterEnv(null);
        var config = NodeConfig.Load(ClusterMembers.ConfigFile("client"), n => env.FirstOrDefault(e => e.Name == n).Value);
        _client = await ClusterConnection.ConnectAsync(config, DataDirectory.Open(ClientDir));
        await AwaitServicesAsync();
    }

    /// <summary>
    /// Members report "up" once they have joined; the singletons start a moment later. Ready when AuthN, the coordinator,
    /// the log and the CA each answer a harmless query.
    /// </summary>
    private async Task AwaitServicesAsync()
    {
        var deadline = DateTime.UtcNow + ClusterMembers.UpWithin;
        Func<Task>[] probes =
        [
            () => _client.Client.FindParticipantAsync("nobody@example.com"),
            () => _client.Client.StatusAsync(new byte[16]),
            () => _client.Client.FindLogEntriesAsync(new byte[32]),
            () => _client.TrustedRootJsonAsync(),
        ];
        foreach (var probe in probes)
            while (!await AnswersAsync(probe))
                if (DateTime.UtcNow > deadline) Assert.Fail($"the cluster's services did not answer within {ClusterMembers.UpWithin.TotalSeconds} s");
    }

    /// <summary>Any reply counts, a refusal too; only a timeout means the service is not there yet.</summary>
    private static async Task<bool> AnswersAsync(Func<Task> probe)
    {
        try
        {
            await probe();
            return true;
        }
        catch (Exception e) when (e.GetBaseException() is not Akka.Actor.AskTimeoutException)
        {
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }

    [OneTimeTearDown]
    public async Task StopCluster()
    {
        try
        {
            _cluster?.Dispose();
        }
        finally
        {
            if (_client is not null) await _client.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    private Mpcsign.Result Cli(params string[] args) =>
        Mpcsign.RunWith(_cluster.ClusterEnv(null), ClientDir, Prompt, [.. args, "--config", ClusterMembers.ConfigFile("client")]);

    private static Mpcsign.Result Ok(Mpcsign.Result r)
    {
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Out + r.Err);
        return r;
    }

    private static string Email(string name) => name.ToLowerInvariant() + "@example.com";

    [Test, Order(1)]
    public void WholeFlow_SevenProcesses_ThroughTheCli_BundleVerifiesOffline()
    {
        foreach (var (name, role) in new[] { ("Alice", "engineer"), ("Bob", "steward"), ("Carol", "steward") })
            Assert.That(Ok(Cli("enroll", "--name", name, "--email", Email(name), "--role", role, "--authenticator-dir", Auth)).Out,
                Does.Contain("enrolled as " + role));
        var artifact = _cluster.Dir.File("artifact");
        File.WriteAllText(artifact, "clustered artifact " + Guid.NewGuid());
        var session = Ok(Cli("request", "--artifact", artifact)).Out.Trim();
        Assert.That(session, Has.Length.EqualTo(32), "request prints the session id");

        Mpcsign.Result last = null!;
        foreach (var name in new[] { "Alice", "Bob", "Carol" })
            last = Ok(Cli("join", "--session", session, "--name", name, "--email", Email(name), "--authenticator-dir", Auth));
        Assert.That(last.Out, Does.Contain("signed, certified and logged"));
        var bundle = Path.Combine(ClientDir, "bundles", session + ".json");
        Assert.That(last.Out, Does.Contain(bundle), "the client saves the bundle under its data directory");
        Assert.That(Ok(Cli("status", "--session", session)).Out, Does.Contain("signed, certified and logged"));

        // Offline, exactly like the demo's bundle: the verifier gets only the bundle, the artifact and a trusted root.
        var trustRoot = _cluster.Dir.File("trust-root.json");
        Ok(Cli("trust-root", "--out", trustRoot));
        Assert.That(File.ReadAllText(trustRoot), Does.Contain(Convert.ToBase64String(CaCertificateDer())),
            "the trusted root holds the CA member's certificate");
        var verified = Ok(Mpcsign.RunWith([], _cluster.Dir.File("verifier"), Prompt,
            "verify", "--bundle", bundle, "--artifact", artifact, "--trust-root", trustRoot));
        Assert.That(verified.Out, Does.StartWith("verified:"));

        var signerAudit = _cluster.Output("signer-1");
        Assert.That(_cluster.IsRunning("signer-1"), Is.True, signerAudit);
    }

    /// <summary>
    /// Runs after the whole flow: every message a signer member handled from another node (the coordinator's DKG begin,
    /// commit and sign requests, the other signers' DKG rounds) is audited with the digest of the attested link it came
    /// over, which is the digest of a peer report that member verified at a link handshake; none is "none"/"unattested".
    /// </summary>
    [Test, Order(2)]
    public void AuditLog_OfASignerMember_RemoteMessagesCarryTheirAttestedLinksDigest()
    {
        foreach (var member in new[] { "signer-1", "signer-2", "signer-3" })
        {
            var audit = _cluster.LogEvents(member)
                .Select(e => e.GetProperty("Properties"))
                .Where(p => p.TryGetProperty("Audit", out var a) && a.ValueKind == System.Text.Json.JsonValueKind.True)
                .Select(p => (Service: p.GetProperty("Service").GetString(), What: p.GetProperty("What").GetString(),
                    Outcome: p.GetProperty("Outcome").GetString(), Digest: p.GetProperty("AttestationDigest").GetString()))
                .ToArray();
            var verifiedPeers = audit.Where(e => e.Service == "link" && e.Outcome == "attested").Select(e => e.Digest).ToHashSet();
            var remote = audit.Where(e => e.Service == "signer" && e.Digest != Audit.LocalLink).ToArray();
            Assert.That(verifiedPeers, Is.Not.Empty, member + " attested its links");
            Assert.That(remote.Select(e => e.What), Does.Contain("FrostDkgBegin").And.Contain("FrostDkgRound1"),
                member + " handled the coordinator's and the other signers' messages over links");
            foreach (var e in remote)
            {
                Assert.That(e.Digest, Does.Match("^[0-9a-f]{64}$"), $"{member}: {e.What} came over an attested link, not '{e.Digest}'");
                Assert.That(verifiedPeers, Does.Contain(e.Digest), $"{member}: {e.What}'s digest is a report verified at a handshake");
            }
        }
    }

    [Test, Order(3)]
    public async Task SignerKilledDuringDkg_Restarted_SessionEndsOnce_AndTheNextOneSigns()
    {
        _cluster.Stop("signer-2", Prompt);
        _cluster.Start("signer-2", (CrashPoint.StepVariable, "signer-dkg"));
        _cluster.WaitUp("signer-2");

        var (session, digest) = await RequestAsync();
        await ApproveAsync(session, "Alice");
        await ApproveAsync(session, "Bob");
        var third = ApproveAsync(session, "Carol"); // completes the quorum: the DKG starts and signer-2 dies in it
        Assert.That(_cluster.WaitExited("signer-2", Prompt), Is.EqualTo(137), "signer-2 killed itself during the DKG");
        _cluster.Start("signer-2");
        _cluster.WaitUp("signer-2");
        await IgnoreInterruptedAsync(third);

        await AssertEndedOnceAsync(session, digest);
        await AssertClusterSignsAsync();
    }

    [Test, Order(4)]
    public async Task CoordinatorKilledAfterTwoApprovals_ApprovalsKept_ThirdCompletesOnce()
    {
        var (session, digest) = await RequestAsync();
        await ApproveAsync(session, "Alice");
        await ApproveAsync(session, "Bob");
        _cluster.Kill("coordinator");
        _cluster.Start("coordinator");
        _cluster.WaitUp("coordinator");
        await AwaitServicesAsync(); // the coordinator singleton starts on the new member a moment after it is up

        var kept = await _client.Client.StatusAsync(session);
        Assert.That(kept.Approvers.Select(a => a.Email), Is.EqualTo(new[] { Email("Alice"), Email("Bob") }), "approvals persisted before the kill");
        Assert.That(kept.Phase, Is.EqualTo(SessionPhase.AwaitingApprovals));
        var done = await ApproveAsync(session, "Carol");
        Assert.That(done.Phase, Is.EqualTo(SessionPhase.Completed), done.Failure?.Message);
        await AssertSignedOnceAsync(session, digest);
    }

    [Test, Order(5)]
    public async Task LogKilledBetweenAppendAndReply_Restarted_SessionEndsOnce_AndTheNextOneSigns()
    {
        _cluster.Stop("tlog", Prompt);
        _cluster.Start("tlog", (CrashPoint.StepVariable, "tlog-appended"));
        _cluster.WaitUp("tlog");

        var (session, digest) = await RequestAsync();
        await ApproveAsync(session, "Alice");
        await ApproveAsync(session, "Bob");
        var third = ApproveAsync(session, "Carol"); // signs, then the log makes the entry durable and dies before replying
        Assert.That(_cluster.WaitExited("tlog", Prompt), Is.EqualTo(137), "the log node killed itself after the append");
        _cluster.Start("tlog");
        _cluster.WaitUp("tlog");
        await IgnoreInterruptedAsync(third);

        await AssertEndedOnceAsync(session, digest);
        await AssertClusterSignsAsync();
    }

    /// <summary>Last: the fixture's cluster is not used after it.</summary>
    [Test, Order(6)]
    public void Member_Sigterm_LeavesTheClusterAndExitsZero()
    {
        var (code, output) = _cluster.Stop("signer-3", Prompt);
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("leaving the cluster"));
    }

    private async Task<(byte[] Session, byte[] Digest)> RequestAsync()
    {
        var digest = RandomNumberGenerator.GetBytes(32);
        var requested = await _client.Client.RequestSigningAsync(digest, "artifact", "test");
        return (requested.SessionId.ToByteArray(), digest);
    }

    private Task<SessionStatus> ApproveAsync(byte[] session, string name) => FlowCommands.ApproveAsync(_client, session, name, Email(name), Auth);

    /// <summary>The approval that completed the quorum may be answered "signing did not finish; it resumes" when a member died.</summary>
    private static async Task IgnoreInterruptedAsync(Task<SessionStatus> approval)
    {
        try
        {
            await approval;
        }
        catch (ServiceRefusedException e) when (e.Error.Code == "coordinator.signing_failed")
        {
        }
    }

    /// <summary>The session's final status (polled: a session whose step was interrupted resumes by itself).</summary>
    private async Task<SessionStatus> FinalStatusAsync(byte[] session)
    {
        var deadline = DateTime.UtcNow + Prompt;
        while (true)
        {
            var status = await _client.Client.StatusAsync(session);
            if (status.Phase is SessionPhase.Completed or SessionPhase.Failed or SessionPhase.Expired || DateTime.UtcNow > deadline) return status;
            await Task.Delay(500);
        }
    }

    /// <summary>
    /// A session cut by a killed member ends either signed and logged exactly once, or failed with its reason (the
    /// coordinator gives up after a bounded number of attempts); never twice, never stuck, its approvals kept.
    /// </summary>
    private async Task AssertEndedOnceAsync(byte[] session, byte[] digest)
    {
        var status = await FinalStatusAsync(session);
        TestContext.Out.WriteLine($"the cut session ended {status.Phase} {status.Failure?.Message}");
        if (status.Phase == SessionPhase.Completed)
        {
            await AssertSignedOnceAsync(session, digest);
            return;
        }
        Assert.That(status.Phase, Is.EqualTo(SessionPhase.Failed), "the session ended");
        Assert.That(status.Failure?.Message, Is.Not.Empty, "a failed session says why");
        Assert.That(status.Approvers.Select(a => a.Email), Is.EqualTo(new[] { Email("Alice"), Email("Bob"), Email("Carol") }));
        Assert.That((await _client.Client.FindLogEntriesAsync(digest)).Entries, Has.Count.LessThanOrEqualTo(1), "never logged twice");
    }

    /// <summary>After a member was killed and restarted, a new session runs through the whole cluster again.</summary>
    private async Task AssertClusterSignsAsync()
    {
        var (session, digest) = await RequestAsync();
        foreach (var name in new[] { "Alice", "Bob", "Carol" }) await ApproveAsync(session, name);
        await AssertSignedOnceAsync(session, digest);
    }

    /// <summary>The session ends Completed, its bundle names the three approvers, and the log holds one entry for its digest.</summary>
    private async Task AssertSignedOnceAsync(byte[] session, byte[] digest)
    {
        var status = await FinalStatusAsync(session);
        Assert.That(status.Phase, Is.EqualTo(SessionPhase.Completed), status.Failure?.Message);
        Assert.That(status.Approvers.Select(a => a.Email), Is.EqualTo(new[] { Email("Alice"), Email("Bob"), Email("Carol") }));
        var entries = await _client.Client.FindLogEntriesAsync(digest);
        Assert.That(entries.Entries, Has.Count.EqualTo(1), "one log entry per session, whatever was killed");
        Assert.That(entries.Entries[0].LogIndex, Is.EqualTo(status.LogIndex));
    }

    private byte[] CaCertificateDer()
    {
        using var ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(_cluster.DataDir("ca"), "ca.pem"));
        return ca.RawData;
    }
}
