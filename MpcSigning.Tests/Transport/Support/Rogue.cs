using System.IO.Pipelines;
using Akka.Actor;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using MpcSigning.Attestation;
using MpcSigning.Proto.Transport;
using MpcSigning.Transport;
using MpcSigning.Transport.Handshake;
using MpcSigning.Transport.Tls;
using Frame = MpcSigning.Proto.Transport.LinkHandshakeFrame;

namespace MpcSigning.Tests.Transport.Support;

/// <summary>How far a rogue peer got with an honest node.</summary>
public enum RogueOutcome
{
    /// <summary>The TLS handshake failed.</summary>
    TlsRefused,

    /// <summary>The honest node closed the connection before it said Finished (or, dialing, before it sent its evidence).</summary>
    Refused,

    /// <summary>The honest node accepted the rogue: what every attack test must never see.</summary>
    Accepted,
}

/// <summary>What a rogue knows mid-handshake, for its deliberate mistakes.</summary>
public sealed class RogueState
{
    public byte[] InitiatorNonce { get; set; } = [];
    public byte[] ResponderNonce { get; set; } = [];
    public LinkReportData.Connection Connection { get; set; } = null!;
    public MpcSigning.Proto.Attestation.AttestationEvidence? HonestEvidence { get; set; }
}

/// <summary>
/// A peer speaking the attested-link handshake over raw TcpClient/SslStream, wrong on purpose in one respect chosen by
/// its hooks (default: exactly right, which an honest node accepts). Not product code: attack tests only.
/// </summary>
public sealed class Rogue(LinkWorld world)
{
    /// <summary>The TLS certificate (with key) it presents; null presents none.</summary>
    public X509Certificate2? Certificate { get; set; } = world.Issue("rogue").Certificate;

    public SslProtocols Protocols { get; set; } = SslProtocols.Tls13;

    public IAttestationProvider Provider { get; set; } = world.Provider;

    /// <summary>Who it says it is in its Hello.</summary>
    public LinkIdentity Identity { get; set; } = new("rogue", ["signer"], "akka.tcp://mpcsign@127.0.0.1:1");

    /// <summary>Replaces the correct REPORT_DATA for its own report.</summary>
    public Func<RogueState, byte[]>? ReportData { get; set; }

    /// <summary>Replaces its own evidence entirely (e.g. reflects the honest node's).</summary>
    public Func<RogueState, MpcSigning.Proto.Attestation.AttestationEvidence>? Evidence { get; set; }

    /// <summary>Replaces the frames it sends after TLS (garbage, oversized headers); then it only waits for the close.</summary>
    public byte[]? RawAfterTls { get; set; }

    /// <summary>After TLS it sends nothing and waits for the honest node to give up.</summary>
    public bool StallAfterTls { get; set; }

    /// <summary>Stops after reading the honest responder's Hello (to learn a nonce for a later replay).</summary>
    public bool StopAfterHello { get; set; }

    public RogueState State { get; } = new();

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>Dials an honest node as the initiator.</summary>
    public async Task<RogueOutcome> DialAsync(Address target)
    {
        using var cts = new CancellationTokenSource(Bound);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(target.Host!, target.Port!.Value, cts.Token);
        await using var ssl = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "honest", EnabledSslProtocols = Protocols,
                ClientCertificates = Certificate is null ? null : [Certificate],
            }, cts.Token);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return RogueOutcome.TlsRefused;
        }
        var input = PipeReader.Create(ssl, new StreamPipeReaderOptions(leaveOpen: true));
        try
        {
            if (await SendRawOrStall(ssl, cts.Token) is { } raw) return raw;
            State.InitiatorNonce = RandomNumberGenerator.GetBytes(32);
            await LinkFrames.WriteAsync(ssl, new Frame { Hello = Hello(State.InitiatorNonce) }, cts.Token);
            var hello = (await LinkFrames.ReadHandshakeAsync(input, cts.Token)).Hello;
            State.ResponderNonce = hello.Nonce.ToByteArray();
            if (StopAfterHello) return RogueOutcome.Refused;
            State.HonestEvidence = (await LinkFrames.ReadHandshakeAsync(input, cts.Token)).Evidence.Evidence;
            State.Connection = new LinkReportData.Connection(OwnSpki(), LinkTls.PeerSpkiSha256(ssl), LinkTls.ChannelBinding(ssl),
                Identity, LinkIdentity.FromProto(hello.Identity));
            var evidence = await EvidenceAsync(LinkRole.Initiator, cts.Token);
            await LinkFrames.WriteAsync(ssl, new Frame { Evidence = new LinkEvidence { Evidence = evidence } }, cts.Token);
            await LinkFrames.WriteAsync(ssl, new Frame { Finished = new LinkFinished() }, cts.Token);
            var last = await LinkFrames.ReadHandshakeAsync(input, cts.Token);
            return last.StepCase == Frame.StepOneofCase.Finished ? RogueOutcome.Accepted : RogueOutcome.Refused;
        }
        catch (Exception e) when (e is LinkRefusedException or IOException or AuthenticationException)
        {
            return RogueOutcome.Refused;
        }
        finally
        {
            await input.CompleteAsync();
        }
    }

    /// <summary>Answers one connection from an honest node as the responder.</summary>
    public async Task<RogueOutcome> AnswerAsync(Socket socket)
    {
        using var cts = new CancellationTokenSource(Bound);
        await using var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), false, (_, _, _, _) => true);
        try
        {
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = Certificate, ClientCertificateRequired = true, EnabledSslProtocols = Protocols,
            }, cts.Token);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return RogueOutcome.TlsRefused;
        }
        var input = PipeReader.Create(ssl, new StreamPipeReaderOptions(leaveOpen: true));
        try
        {
            if (await SendRawOrStall(ssl, cts.Token) is { } raw) return raw;
            var hello = (await LinkFrames.ReadHandshakeAsync(input, cts.Token)).Hello;
            State.InitiatorNonce = hello.Nonce.ToByteArray();
            State.ResponderNonce = RandomNumberGenerator.GetBytes(32);
            State.Connection = new LinkReportData.Connection(LinkTls.PeerSpkiSha256(ssl), OwnSpki(), LinkTls.ChannelBinding(ssl),
                LinkIdentity.FromProto(hello.Identity), Identity);
            await LinkFrames.WriteAsync(ssl, new Frame { Hello = Hello(State.ResponderNonce) }, cts.Token);
            var evidence = await EvidenceAsync(LinkRole.Responder, cts.Token);
            await LinkFrames.WriteAsync(ssl, new Frame { Evidence = new LinkEvidence { Evidence = evidence } }, cts.Token);
            // An honest initiator sends its own evidence only to a responder it verified.
            var next = await LinkFrames.ReadHandshakeAsync(input, cts.Token);
            return next.StepCase == Frame.StepOneofCase.Evidence ? RogueOutcome.Accepted : RogueOutcome.Refused;
        }
        catch (Exception e) when (e is LinkRefusedException or IOException or AuthenticationException)
        {
            return RogueOutcome.Refused;
        }
        finally
        {
            await input.CompleteAsync();
        }
    }

    /// <summary>Sends the raw bytes (or nothing), then waits until the honest node closes: Refused.</summary>
    private async Task<RogueOutcome?> SendRawOrStall(SslStream ssl, CancellationToken ct)
    {
        if (RawAfterTls is null && !StallAfterTls) return null;
        if (RawAfterTls is { } raw)
        {
            await ssl.WriteAsync(raw, ct);
            await ssl.FlushAsync(ct);
        }
        var sink = new byte[4096];
        while (await ssl.ReadAsync(sink, ct) > 0)
        {
        }
        return RogueOutcome.Refused;
    }

    private async Task<MpcSigning.Proto.Attestation.AttestationEvidence> EvidenceAsync(LinkRole role, CancellationToken ct)
    {
        if (Evidence is not null) return Evidence(State);
        var reportData = ReportData?.Invoke(State) ??
                         LinkReportData.Handshake(role, State.InitiatorNonce, State.ResponderNonce, State.Connection);
        return (await Provider.GetEvidenceAsync(reportData, ct)).ToProto();
    }

    private LinkHello Hello(byte[] nonce) =>
        new() { Version = LinkHandshake.Version, Nonce = ByteString.CopyFrom(nonce), Identity = Identity.ToProto() };

    private byte[] OwnSpki() => Certificate is null ? new byte[32] : SHA256.HashData(Certificate.PublicKey.ExportSubjectPublicKeyInfo());
}

/// <summary>A listening rogue: honest nodes dial it (outbound attacks). Answers every connection with the same rogue.</summary>
public sealed class RogueServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly TaskCompletionSource<RogueOutcome> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="stallRaw">Accept TCP and never start TLS (a stalled handshake).</param>
    public RogueServer(Func<Address, Rogue> rogue, bool stallRaw = false)
    {
        _listener.Start();
        Address = new Address("akka.tcp", LinkWorld.SystemName, "127.0.0.1", ((IPEndPoint)_listener.LocalEndpoint).Port);
        var r = rogue(Address);
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket socket;
                try
                {
                    socket = await _listener.AcceptSocketAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                _ = Task.Run(async () =>
                {
                    var outcome = stallRaw ? await StallAsync(socket) : await r.AnswerAsync(socket);
                    _first.TrySetResult(outcome);
                });
            }
        });
    }

    /// <summary>Its address, as honest nodes dial it.</summary>
    public Address Address { get; }

    /// <summary>How the first connection ended.</summary>
    public Task<RogueOutcome> FirstOutcome => _first.Task.WaitAsync(TimeSpan.FromSeconds(60));

    private static async Task<RogueOutcome> StallAsync(Socket socket)
    {
        using (socket)
        {
            var sink = new byte[4096];
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (await socket.ReceiveAsync(sink, SocketFlags.None, cts.Token) > 0)
            {
            }
        }
        return RogueOutcome.Refused;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
    }
}
