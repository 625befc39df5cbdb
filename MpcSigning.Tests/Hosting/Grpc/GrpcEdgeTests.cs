using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using MpcSigning.Attestation;
using MpcSigning.Cli;
using MpcSigning.Hosting;
using MpcSigning.Hosting.Grpc;
using MpcSigning.Proto.Attestation;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Tests.Support;
using AttestationClient = MpcSigning.Proto.Attestation.Attestation.AttestationClient;
using CoordinatorClient = MpcSigning.Proto.Coordinator.Coordinator.CoordinatorClient;

namespace MpcSigning.Tests.Hosting.Grpc;

/// <summary>
/// A node's gRPC edge in this process (a <see cref="TestNode"/> and <see cref="GrpcServer"/> on 127.0.0.1, a free port),
/// with an evidence source the tests can make misbehave: the client (the CLI's <see cref="GrpcNodeAccess"/>) refuses
/// evidence bound to another nonce or another TLS key. Then the edge's rules at the wire: refusals keep the project's
/// code, malformed fields are named, oversized messages and passed deadlines are refused, reflection is off, health is on.
/// </summary>
[NonParallelizable]
public class GrpcEdgeTests
{
    private TestNode _node = null!;
    private GrpcServer _server = null!;
    private IAttestationProvider _provider = null!;
    private Switchable _evidence = null!;
    private TempDir _client = null!;

    private string Dev => Path.Combine(_node.Dir.Path, GrpcTls.DevFolder);

    [OneTimeSetUp]
    public async Task Start()
    {
        _node = await TestNode.StartAsync();
        _provider = AttestationProviders.Create(NodeAttestation.Options(_node.Host.Config), _node.Dir.Path);
        _server = await GrpcServer.StartAsync(_node.Host, new GrpcOptions(IPAddress.Loopback, 0, null, null, null),
            spki => _evidence = new Switchable(_provider, spki), null);
        _client = new TempDir();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _server.DisposeAsync();
        (_provider as IDisposable)?.Dispose();
        await _node.DisposeAsync();
        _client.Dispose();
    }

    [SetUp]
    public void Honest() => _evidence.Mode = Misbehaviour.None;

    private Task<GrpcNodeAccess> ConnectAsync()
    {
        (string, string)[] env =
        [
            (GrpcNodeAccess.CaVariable, Path.Combine(Dev, GrpcTls.CaCertFile)),
            (GrpcNodeAccess.CertVariable, Path.Combine(Dev, GrpcTls.ClientCertFile)),
            (GrpcNodeAccess.KeyVariable, Path.Combine(Dev, GrpcTls.ClientKeyFile)),
        ];
        var config = _node.Host.Config with { SimulatedRootDir = _node.Dir.Path };
        return GrpcNodeAccess.ConnectAsync(_server.Url, config, DataDirectory.Open(_client.Path), n => env.FirstOrDefault(e => e.Item1 == n).Item2);
    }

    [Test]
    public async Task An_honest_node_is_attested_and_a_refusal_keeps_its_code()
    {
        await using var access = await ConnectAsync();
        Assert.That(access.ReportDigest, Has.Length.EqualTo(64));
        var e = Assert.ThrowsAsync<ServiceRefusedException>(() => access.Client.StatusAsync(new byte[16]));
        Assert.That(e!.Error.Code, Is.EqualTo("coordinator.unknown_session"));
        Assert.That(CliErrors.Describe(e).Line, Does.StartWith("refused: ").And.EndWith("(coordinator.unknown_session)"));
    }

    [TestCase(Misbehaviour.OtherNonce, "bound to another nonce")]
    [TestCase(Misbehaviour.OtherNonceEchoingYours, "does not verify (ReportDataMismatch)")]
    [TestCase(Misbehaviour.OtherCertificate, "bound to another TLS certificate")]
    [TestCase(Misbehaviour.OtherCertificateEchoingYours, "does not verify (ReportDataMismatch)")]
    public void Evidence_bound_to_something_else_is_refused_by_the_client(Misbehaviour how, string named)
    {
        _evidence.Mode = how;
        var e = Assert.ThrowsAsync<CliException>(ConnectAsync);
        Assert.That(e!.Message, Does.StartWith($"attestation of {_server.Url} failed, nothing was sent to it: ").And.Contain(named));
        Assert.That(e.Message, Does.Not.Contain("\n"));
    }

    [Test]
    public void Reflection_is_off_and_health_is_served()
    {
        using var channel = RawChannel();
        var reflection = new Method<byte[], byte[]>(MethodType.DuplexStreaming, "grpc.reflection.v1alpha.ServerReflection", "ServerReflectionInfo",
            Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));
        // Nothing is written: the server refuses an unknown service on the request's headers, and a write racing that
        // refusal (the stream already reset) surfaces on the client as Cancelled instead of the server's status.
        using var call = channel.CreateCallInvoker().AsyncDuplexStreamingCall(reflection, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(20)));
        var e = Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext());
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.Unimplemented), e.Status.Detail);

        var health = new Health.HealthClient(channel);
        Assert.That(health.Check(new HealthCheckRequest { Service = "mpcsign.coordinator.Coordinator" }).Status,
            Is.EqualTo(HealthCheckResponse.Types.ServingStatus.Serving));
    }

    [Test]
    public void A_malformed_request_is_refused_naming_the_field()
    {
        using var channel = RawChannel();
        var coordinator = new CoordinatorClient(channel);
        var e = Assert.Throws<RpcException>(() => coordinator.RequestSigning(new RequestSigning { ArtifactDigest = ByteString.CopyFrom(new byte[5]) }));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(e.Status.Detail, Does.StartWith("artifact_digest: must be the 32-byte SHA-256"));
        e = Assert.Throws<RpcException>(() => coordinator.GetStatus(new GetSessionStatus { SessionId = ByteString.CopyFrom(new byte[3]) }));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(e.Status.Detail, Does.StartWith("session_id: must be 16 bytes"));
        var attestation = new AttestationClient(channel);
        e = Assert.Throws<RpcException>(() => attestation.GetEvidence(new GetEvidence { Nonce = ByteString.CopyFrom(new byte[8]) }));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(e.Status.Detail, Does.StartWith("nonce: must be 32"));
    }

    [Test]
    public async Task An_oversized_request_is_refused_and_creates_no_session()
    {
        using var channel = RawChannel();
        var coordinator = new CoordinatorClient(channel);
        var digest = RandomNumberGenerator.GetBytes(32);
        var e = Assert.Throws<RpcException>(() => coordinator.RequestSigning(new RequestSigning
        {
            ArtifactDigest = ByteString.CopyFrom(digest), ArtifactName = new string('x', 200_000),
        }));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted));
        // Nothing was logged or started for that digest; the same request of a normal size still works.
        var found = await _node.Host.Client.FindLogEntriesAsync(digest);
        Assert.That(found.Entries, Is.Empty);
        var ok = coordinator.RequestSigning(new RequestSigning { ArtifactDigest = ByteString.CopyFrom(digest), ArtifactName = "small" });
        Assert.That(ok.SessionId.Length, Is.EqualTo(16));
    }

    [Test]
    public async Task A_watch_past_its_deadline_ends_with_DeadlineExceeded()
    {
        var session = await _node.RequestAsync();
        using var channel = RawChannel();
        var coordinator = new CoordinatorClient(channel);
        using var call = coordinator.WatchSession(new GetSessionStatus { SessionId = ByteString.CopyFrom(session) },
            deadline: DateTime.UtcNow.AddSeconds(1));
        var seen = new List<SessionStatus>();
        var e = Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var s in call.ResponseStream.ReadAllAsync()) seen.Add(s);
        });
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.DeadlineExceeded));
        Assert.That(seen, Has.Count.EqualTo(1));
        Assert.That(seen[0].Phase, Is.EqualTo(SessionPhase.AwaitingApprovals));
    }

    [Test]
    public void A_port_in_use_is_refused_naming_the_setting()
    {
        var taken = new Uri(_server.Url).Port;
        var e = Assert.ThrowsAsync<ConfigException>(() => GrpcServer.StartAsync(_node.Host, new GrpcOptions(IPAddress.Loopback, taken, null, null, null),
            spki => new ProviderEvidenceSource(_provider, spki), null));
        Assert.That(e!.Message, Does.StartWith($"MPCSIGN_GRPC_LISTEN: cannot listen on 127.0.0.1:{taken}"));
    }

    /// <summary>A channel with the development client certificate that skips attestation (to test the edge itself).</summary>
    private GrpcChannel RawChannel()
    {
        var client = X509Certificate2.CreateFromPemFile(Path.Combine(Dev, GrpcTls.ClientCertFile), Path.Combine(Dev, GrpcTls.ClientKeyFile));
        var ca = GrpcTls.LoadCa(Path.Combine(Dev, GrpcTls.CaCertFile), "ca");
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = new X509CertificateCollection { client },
                RemoteCertificateValidationCallback = (_, cert, _, _) => GrpcTls.ChainProblem(cert, ca, GrpcTls.ServerUsage) is null,
            },
        };
        return GrpcChannel.ForAddress(_server.Url, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true, MaxSendMessageSize = null });
    }

    public enum Misbehaviour
    {
        None,
        OtherNonce,
        OtherNonceEchoingYours,
        OtherCertificate,
        OtherCertificateEchoingYours,
    }

    /// <summary>The node's real provider, made to bind what a broken or hostile node would.</summary>
    private sealed class Switchable(IAttestationProvider provider, byte[] spki) : INodeEvidenceSource
    {
        public Misbehaviour Mode { get; set; }

        public async Task<Evidence> GetAsync(byte[] nonce, CancellationToken ct)
        {
            var otherNonce = RandomNumberGenerator.GetBytes(32);
            var otherSpki = RandomNumberGenerator.GetBytes(32);
            var (boundNonce, boundSpki) = Mode switch
            {
                Misbehaviour.OtherNonce or Misbehaviour.OtherNonceEchoingYours => (otherNonce, spki),
                Misbehaviour.OtherCertificate or Misbehaviour.OtherCertificateEchoingYours => (nonce, otherSpki),
                _ => (nonce, spki),
            };
            var evidence = await new ProviderEvidenceSource(provider, boundSpki).GetAsync(boundNonce, ct);
            if (Mode is Misbehaviour.OtherNonceEchoingYours) evidence.Nonce = ByteString.CopyFrom(nonce);
            if (Mode is Misbehaviour.OtherCertificateEchoingYours) evidence.TlsSpkiSha256 = ByteString.CopyFrom(spki);
            return evidence;
        }
    }
}
