using System.Diagnostics;
using System.Net.Security;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using MpcSigning.Hosting.Grpc;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Hosting.Grpc;

/// <summary>
/// A real <c>mpcsign node</c> process serving gRPC on 127.0.0.1 (a free port it picks and prints), with development TLS
/// files, and real CLI processes against it with --node, each from its own HOME: the seed's flow (enroll, request, three
/// joins, a live status --watch, verify --artifact-digest), and the clients that must be refused with one line: a
/// certificate from another CA, no certificate, a wrong TEE_POLICY_HASH; the node logs the refused handshakes.
/// </summary>
[NonParallelizable]
public class GrpcNodeProcessTests
{
    private TempDir _dir = null!;
    private MpcsignProcesses _processes = null!;
    private Process _node = null!;
    private readonly StringBuilder _nodeLog = new();
    private string _url = "";

    private string NodeData => _dir.File("node");

    private string Dev => Path.Combine(NodeData, GrpcTls.DevFolder);

    [OneTimeSetUp]
    public async Task StartNode()
    {
        _dir = new TempDir();
        Directory.CreateDirectory(NodeData);
        TestNode.SeedSimulatedAuthority(NodeData);
        _processes = new MpcsignProcesses(4, TimeSpan.FromSeconds(90));
        _node = _processes.Start([("MPCSIGN_GRPC_LISTEN", "127.0.0.1:0")], NodeData, "node", "--verbose");
        var serving = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _node.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_nodeLog) _nodeLog.AppendLine(e.Data);
            const string marker = "serving gRPC at ";
            if (e.Data.Contains(marker)) serving.TrySetResult(e.Data[(e.Data.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..].Trim());
        };
        _node.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (_nodeLog) _nodeLog.AppendLine(e.Data);
        };
        _node.BeginOutputReadLine();
        _node.BeginErrorReadLine();
        var started = await Task.WhenAny(serving.Task, _node.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        if (started != serving.Task) Assert.Fail("the node did not start serving gRPC:\n" + NodeLog);
        _url = serving.Task.Result;
    }

    [OneTimeTearDown]
    public void StopNode()
    {
        _processes.Dispose();
        _node.Dispose();
        _dir.Dispose();
    }

    private string NodeLog
    {
        get { lock (_nodeLog) return _nodeLog.ToString(); }
    }

    /// <summary>The environment of a CLI user with their own HOME, trusting the node's development CA and simulated root.</summary>
    private (string, string)[] Env(string home, params (string, string)[] extra)
    {
        Directory.CreateDirectory(_dir.File(home));
        (string, string)[] env =
        [
            ("HOME", _dir.File(home)),
            (GrpcNodeAccess.NodeVariable, _url),
            (GrpcNodeAccess.CaVariable, Path.Combine(Dev, GrpcTls.CaCertFile)),
            (GrpcNodeAccess.CertVariable, Path.Combine(Dev, GrpcTls.ClientCertFile)),
            (GrpcNodeAccess.KeyVariable, Path.Combine(Dev, GrpcTls.ClientKeyFile)),
            ("MPCSIGN_SIMULATED_ROOT_DIR", NodeData),
        ];
        return [.. env.Where(e => !extra.Any(x => x.Item1 == e.Item1)), .. extra.Where(x => x.Item2.Length > 0)];
    }

    private Task<Mpcsign.Result> Cli(string home, (string, string)[] extra, params string[] args) =>
        _processes.RunAsync(Env(home, extra), Path.Combine(_dir.File(home), "data"), args);

    private Task<Mpcsign.Result> Cli(string home, params string[] args) => Cli(home, [], args);

    [Test]
    public async Task The_seed_flow_runs_over_grpc_from_three_homes()
    {
        var enrolled = await Task.WhenAll(
            Cli("alice", "enroll", "--name", "Alice", "--email", "alice@example.com", "--role", "engineer"),
            Cli("bob", "enroll", "--name", "Bob", "--email", "bob@example.com", "--role", "steward"),
            Cli("carol", "enroll", "--name", "Carol", "--email", "carol@example.com", "--role", "steward"));
        foreach (var e in enrolled) Assert.That(e.ExitCode, Is.Zero, e.Err);

        var digest = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var requested = await Cli("requester", "request", "--artifact-digest", digest);
        Assert.That(requested.ExitCode, Is.Zero, requested.Err);
        var session = requested.Out.Trim();

        var alice = await Cli("alice", "join", "--session", session, "--name", "Alice", "--email", "alice@example.com");
        Assert.That(alice.ExitCode, Is.Zero, alice.Err);
        Assert.That(alice.Out, Does.Contain("awaiting approvals"));
        var watch = Cli("watcher", "status", "--session", session, "--watch");
        var bob = await Cli("bob", "join", "--session", session, "--name", "Bob", "--email", "bob@example.com");
        Assert.That(bob.ExitCode, Is.Zero, bob.Err);
        var carol = await Cli("carol", "join", "--session", session, "--name", "Carol", "--email", "carol@example.com");
        Assert.That(carol.ExitCode, Is.Zero, carol.Err);
        Assert.That(carol.Out, Does.Contain("signed, certified and logged"));
        // The bundle came over the wire and was saved in carol's HOME, not read from the node's directory.
        Assert.That(carol.Out, Does.Contain(Path.Combine(_dir.File("carol"), "data", "bundles")));

        var watched = await watch;
        Assert.That(watched.ExitCode, Is.Zero, watched.Err);
        Assert.That(watched.Out, Does.Contain("state      signed, certified and logged"));

        var verified = await Cli("verifier", "verify", "--artifact-digest", digest);
        Assert.That(verified.ExitCode, Is.Zero, verified.Err);
        Assert.That(verified.Out, Does.StartWith("verified: signed by session " + session));
        // The approvals were checked against the trust policy the node published with its TrustedRoot.
        Assert.That(verified.Out, Does.Contain("; trust policy pinned at v1 of the trust policy of https://"));
        Assert.That(verified.Err, Does.Not.Contain("no trust policy was given"));

        // The log, as a monitor reads it, over the same edge.
        var entry = await Cli("monitor", "tlog", "get", "--artifact-digest", digest);
        Assert.That(entry.ExitCode, Is.Zero, entry.Err);
        Assert.That(entry.Out, Does.Contain("session " + session).And.Contain("digest " + digest));
        var index = entry.Out.Split(' ')[1];
        var proof = await Cli("monitor", "tlog", "prove", "--index", index, "--json");
        Assert.That(proof.ExitCode, Is.Zero, proof.Err);
        Assert.That(proof.Out, Does.Contain("\"rootHash\""));
        var trustRoot = await Cli("monitor", "trust-root");
        Assert.That(trustRoot.ExitCode, Is.Zero, trustRoot.Err);
        Assert.That(trustRoot.Out, Does.Contain("application/vnd.dev.sigstore.trustedroot"));

        // trust-root --out over gRPC writes the node's policy chain beside it; verify --node walks the node's chain
        // from the pinned fingerprint, and refuses a pin that names no version of it.
        Directory.CreateDirectory(_dir.File("monitor"));
        var rootFile = Path.Combine(_dir.File("monitor"), "root.json");
        var written = await Cli("monitor", "trust-root", "--out", rootFile);
        Assert.That(written.ExitCode, Is.Zero, written.Err);
        Assert.That(File.Exists(Path.Combine(_dir.File("monitor"), "root.policy.json")), written.Err);
        var fingerprint = System.Text.RegularExpressions.Regex.Match(written.Err, "v1 fingerprint ([0-9a-f]{64})").Groups[1].Value;
        Assert.That(fingerprint, Has.Length.EqualTo(64), written.Err);
        var pinned = await Cli("verifier", "verify", "--artifact-digest", digest, "--policy-pin", fingerprint);
        Assert.That(pinned.ExitCode, Is.Zero, pinned.Err);
        Assert.That(pinned.Out, Does.Contain("; trust policy pinned at " + fingerprint));
        var wrongPin = await Cli("verifier", "verify", "--artifact-digest", digest, "--policy-pin", new string('0', 64));
        Assert.That(wrongPin.ExitCode, Is.EqualTo(1), wrongPin.Out);
        Assert.That(wrongPin.Err, Does.Contain("verification failed (policy): no version of the trust policy has the pinned fingerprint"));
    }

    [Test]
    public async Task A_client_certificate_from_another_CA_is_refused_at_the_handshake_and_logged()
    {
        var other = _dir.File("other-ca");
        if (!Directory.Exists(other)) GrpcTls.CreateSet(other, "another CA");
        var r = await Cli("stranger", [
            (GrpcNodeAccess.CertVariable, Path.Combine(other, GrpcTls.ClientCertFile)),
            (GrpcNodeAccess.KeyVariable, Path.Combine(other, GrpcTls.ClientKeyFile)),
        ], "status", "--session", new string('0', 32));
        Assert.That(r.ExitCode, Is.EqualTo(1), r.Err);
        Assert.That(OneLine(r.Err), Does.StartWith("mpcsign: cannot talk to the node at " + _url).And.Contain("TLS"));
        Assert.That(r.Out, Is.Empty);
        await AwaitNodeLog("does not chain to the trusted CA");
    }

    [Test]
    public async Task A_node_whose_certificate_is_not_from_the_clients_CA_is_not_trusted()
    {
        var other = _dir.File("other-ca");
        if (!Directory.Exists(other)) GrpcTls.CreateSet(other, "another CA");
        var r = await Cli("wary", [(GrpcNodeAccess.CaVariable, Path.Combine(other, GrpcTls.CaCertFile))], "status", "--session", new string('0', 32));
        Assert.That(r.ExitCode, Is.EqualTo(1), r.Err);
        Assert.That(OneLine(r.Err), Does.StartWith($"mpcsign: the node at {_url} is not trusted: certificate 'CN=mpcsign node").And.Contain("does not chain"));
    }

    [Test]
    public async Task A_client_without_a_certificate_is_refused_at_the_handshake_and_logged()
    {
        // The CLI never dials without one: it names what is missing.
        var cli = await Cli("nocert", [(GrpcNodeAccess.CertVariable, "")], "status", "--session", new string('0', 32));
        Assert.That(cli.ExitCode, Is.EqualTo(2), cli.Err);
        Assert.That(OneLine(cli.Err), Does.Contain(GrpcNodeAccess.CertVariable + ": not set"));

        // A client that dials without one is refused at the handshake.
        using var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        };
        using var channel = GrpcChannel.ForAddress(_url, new GrpcChannelOptions { HttpHandler = handler });
        var client = new MpcSigning.Proto.Coordinator.Coordinator.CoordinatorClient(channel);
        var e = Assert.ThrowsAsync<RpcException>(async () =>
            await client.GetStatusAsync(new GetSessionStatus { SessionId = ByteString.CopyFrom(new byte[16]) }, deadline: DateTime.UtcNow.AddSeconds(20)));
        Assert.That(e!.StatusCode, Is.Not.EqualTo(StatusCode.NotFound), "the call must not have reached the coordinator");
        await AwaitNodeLog("no certificate was presented");
    }

    [Test]
    public async Task A_wrong_TEE_POLICY_HASH_fails_every_command_with_one_line_and_sends_nothing_else()
    {
        var before = Count(NodeLog, "Coordinator/RequestSigning by");
        var evidenceBefore = Count(NodeLog, "Attestation/GetEvidence by");
        var r = await Cli("pinned", [("TEE_POLICY_HASH", new string('0', 64))], "request", "--artifact-digest", new string('a', 64));
        Assert.That(r.ExitCode, Is.EqualTo(1), r.Err);
        Assert.That(OneLine(r.Err), Does.StartWith($"mpcsign: attestation of {_url} failed, nothing was sent to it:").And.Contain("TEE_POLICY_HASH"));
        Assert.That(r.Out, Is.Empty);
        // The node audits each call before it answers: the evidence was asked for, the request never came.
        Assert.That(Count(NodeLog, "Attestation/GetEvidence by"), Is.GreaterThan(evidenceBefore));
        Assert.That(Count(NodeLog, "Coordinator/RequestSigning by"), Is.EqualTo(before));
    }

    private static int Count(string text, string what) => (text.Length - text.Replace(what, "").Length) / what.Length;

    /// <summary>The only line on standard error (fails when there are more: a user gets one line per failure).</summary>
    private static string OneLine(string err)
    {
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(lines, Has.Length.EqualTo(1), err);
        return lines[0];
    }

    /// <summary>Waits (bounded) for the node's log to mention <paramref name="text"/>: it logs a refusal as it happens.</summary>
    private async Task AwaitNodeLog(string text)
    {
        for (var i = 0; i < 100 && !NodeLog.Contains(text); i++) await Task.Delay(100);
        Assert.That(NodeLog, Does.Contain("refused the TLS handshake").And.Contain(text));
        Assert.That(NodeLog, Does.Contain("audit grpc tls-handshake by"), "the refusal is in the audit trail too");
    }
}
