using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using Akka.Actor;
using MpcSigning.Attestation;
using MpcSigning.Proto.Common;
using MpcSigning.Tests.Transport.Support;
using MpcSigning.Transport;
using MpcSigning.Transport.Handshake;
using MpcSigning.Transport.Tls;

namespace MpcSigning.Tests.Transport;

/// <summary>
/// Each attack on its own: a rogue peer (raw TcpClient/SslStream, wrong on purpose in one respect) dials an honest node
/// (inbound) or is dialed by one (outbound). Every test ends the same way: the honest node refused with the reason the
/// attack should trip, accepted nothing and delivered nothing, and it is still up, serving an honest peer.
/// </summary>
[NonParallelizable]
public class AttestedLinkAttackTests
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(1);
    private LinkWorld _world = null!;
    private LinkWorld.Node _honest = null!;

    [SetUp]
    public void Start()
    {
        _world = new LinkWorld();
        _honest = _world.Start("honest", ["coordinator"], handshakeTimeout: Short);
    }

    [TearDown]
    public async Task Stop() => await _world.DisposeAsync();

    private Rogue NewRogue() => new(_world);

    // ---- inbound: the rogue dials the honest node ----

    [Test, CancelAfter(60_000)]
    public async Task WrongMeasurement_Inbound_IsRefused()
    {
        using var other = LinkWorld.NewProvider(LinkWorld.OtherMeasurement());
        var rogue = NewRogue();
        rogue.Provider = other;
        await ExpectInboundRefusalAsync(rogue.DialAsync(_honest.Address), LinkError.AttestationFailed, nameof(AttestationError.MeasurementMismatch));
    }

    [Test, CancelAfter(60_000)]
    public async Task SimulatedRoot_WhereNotAllowed_IsRefused()
    {
        // A production node: this build's measurement pinned, but no simulated root trusted.
        // Every peer here is simulated, so the production node's liveness is shown by serving the next connection
        // (refused the same way) and its local actors, instead of by an honest peer.
        _honest = _world.Start("production", policy: AttestationPolicy.Strict with { TeePolicyHash = _world.Policy.TeePolicyHash }, handshakeTimeout: Short);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            Assert.That(await NewRogue().DialAsync(_honest.Address), Is.Not.EqualTo(RogueOutcome.Accepted));
            var refused = await _honest.Events.NextAsync<AttestedLinkRefused>();
            Assert.That(refused.Code, Is.EqualTo(LinkError.AttestationFailed));
            Assert.That(refused.Reason, Does.Contain(nameof(AttestationError.RootUntrusted)));
        }
        Assert.That(_honest.Events.Of<AttestedLinkEstablished>(), Is.Empty);
        Assert.That(_honest.System.WhenTerminated.IsCompleted, Is.False);
        var local = await _honest.System.ActorSelection("/user/echo").Ask<ErrorInfo>(new ErrorInfo { Code = "local" }, TimeSpan.FromSeconds(10));
        Assert.That(local.Code, Is.EqualTo("local"));
    }

    [Test, CancelAfter(60_000)]
    public async Task NoClientCertificate_IsRefused()
    {
        var rogue = NewRogue();
        rogue.Certificate = null;
        await ExpectInboundRefusalAsync(rogue.DialAsync(_honest.Address), LinkError.NoCertificate);
    }

    [Test, CancelAfter(60_000)]
    public async Task CertificateFromAnotherCa_Inbound_IsRefused()
    {
        using var otherCa = LinkCertificateAuthority.Create("another CA", DateTimeOffset.UtcNow);
        var rogue = NewRogue();
        rogue.Certificate = otherCa.Issue("rogue", DateTimeOffset.UtcNow).Certificate;
        await ExpectInboundRefusalAsync(rogue.DialAsync(_honest.Address), LinkError.UntrustedCertificate);
    }

    /// <summary>A genuine enclave's report, bound to the genuine node's TLS key, presented over the rogue's own TLS key.</summary>
    [Test, CancelAfter(60_000)]
    public async Task ValidReportBoundToAnotherTlsKey_Relay_IsRefused()
    {
        using var victim = _world.Issue("victim");
        var rogue = NewRogue();
        rogue.ReportData = s => LinkReportData.Handshake(LinkRole.Initiator, s.InitiatorNonce, s.ResponderNonce,
            s.Connection with { InitiatorSpkiSha256 = victim.SpkiSha256 });
        await ExpectInboundRefusalAsync(rogue.DialAsync(_honest.Address), LinkError.AttestationFailed, nameof(AttestationError.ReportDataMismatch));
    }

    [Test, CancelAfter(60_000)]
    public async Task ReportForAnOldNonce_Replay_IsRefused()
    {
        var scout = NewRogue();
        scout.StopAfterHello = true;
        await scout.DialAsync(_honest.Address);
        await _honest.Events.NextAsync<AttestedLinkRefused>(); // the scout hung up mid-handshake
        var oldNonce = scout.State.ResponderNonce;

        var rogue = NewRogue();
        rogue.ReportData = s => LinkReportData.Handshake(LinkRole.Initiator, s.InitiatorNonce, oldNonce, s.Connection);
        await ExpectInboundRefusalAsync(rogue.DialAsync(_honest.Address), LinkError.AttestationFailed, nameof(AttestationError.ReportDataMismatch));
    }

    [Test, CancelAfter(60_000)]
    public async Task HonestNodesOwnReportReflectedBack_IsRefused()
    {
        var rogue = NewRogue();
        rogue.Evidence = s => s.HonestEvidence!;
        await ExpectInboundRefusalAsync(rogue.DialAsync(_honest.Address), LinkError.AttestationFailed, nameof(AttestationError.ReportDataMismatch));
    }

    /// <summary>The rogue says it is a signer, but its report names another node and role (made for a link as the CA).</summary>
    [Test, CancelAfter(60_000)]
    public async Task ReportNamingAnotherNodeOrRole_Diversion_IsRefused()
    {
        var rogue = NewRogue();
        rogue.ReportData = s => LinkReportData.Handshake(LinkRole.Initiator, s.InitiatorNonce, s.ResponderNonce,
            s.Connection with { Initiator = new LinkIdentity("ca-1", ["ca"], s.Connection.Initiator.Address) });
        await ExpectInboundRefusalAsync(rogue.DialAsync(_honest.Address), LinkError.AttestationFailed, nameof(AttestationError.ReportDataMismatch));
    }

    [Test, CancelAfter(60_000)]
    public async Task HandshakeStalledBeforeTls_IsCutOffAtTheTimeout()
    {
        await ExpectInboundRefusalAsync(RawAsync([]), LinkError.Timeout);
    }

    [Test, CancelAfter(60_000)]
    public async Task HandshakeStalledAfterTls_IsCutOffAtTheTimeout()
    {
        var rogue = NewRogue();
        rogue.StallAfterTls = true;
        await ExpectInboundRefusalAsync(rogue.DialAsync(_honest.Address), LinkError.Timeout);
    }

    [Test, CancelAfter(60_000)]
    public async Task GarbageFrame_AfterTls_IsRefused()
    {
        var rogue = NewRogue();
        rogue.RawAfterTls = [0, 0, 0, 40, .. Enumerable.Repeat((byte)0xFF, 40)];
        await ExpectInboundRefusalAsync(rogue.DialAsync(_honest.Address), LinkError.ProtocolViolation);
    }

    [Test, CancelAfter(60_000)]
    public async Task GarbageInsteadOfTls_IsRefused()
    {
        await ExpectInboundRefusalAsync(RawAsync("GET / HTTP/1.1\r\nHost: honest\r\n\r\n"u8.ToArray()), LinkError.TlsFailed);
    }

    [Test, CancelAfter(60_000)]
    public async Task OversizedFrame_IsRefusedBeforeItsPayload()
    {
        var rogue = NewRogue();
        rogue.RawAfterTls = [0x7F, 0xFF, 0xFF, 0xFF];
        await ExpectInboundRefusalAsync(rogue.DialAsync(_honest.Address), LinkError.FrameTooLarge);
    }

    [Test, CancelAfter(60_000)]
    public async Task Tls12Only_Inbound_IsRefused()
    {
        var rogue = NewRogue();
        rogue.Protocols = SslProtocols.Tls12;
        var outcome = rogue.DialAsync(_honest.Address);
        await ExpectInboundRefusalAsync(outcome, LinkError.TlsFailed);
        Assert.That(await outcome, Is.EqualTo(RogueOutcome.TlsRefused));
    }

    // ---- outbound: the honest node dials the rogue ----

    [Test, CancelAfter(60_000)]
    public async Task WrongMeasurement_Outbound_IsRefused()
    {
        using var other = LinkWorld.NewProvider(LinkWorld.OtherMeasurement());
        await using var server = new RogueServer(address => new Rogue(_world) { Provider = other, Identity = Claiming(address) });
        await ExpectOutboundRefusalAsync(server, LinkError.AttestationFailed, nameof(AttestationError.MeasurementMismatch));
    }

    [Test, CancelAfter(60_000)]
    public async Task CertificateFromAnotherCa_Outbound_IsRefused()
    {
        using var otherCa = LinkCertificateAuthority.Create("another CA", DateTimeOffset.UtcNow);
        await using var server = new RogueServer(address => new Rogue(_world)
        {
            Certificate = otherCa.Issue("rogue", DateTimeOffset.UtcNow).Certificate, Identity = Claiming(address),
        });
        await ExpectOutboundRefusalAsync(server, LinkError.UntrustedCertificate);
    }

    [Test, CancelAfter(60_000)]
    public async Task PeerClaimingAnotherAddress_Outbound_IsRefused()
    {
        await using var server = new RogueServer(_ => new Rogue(_world) { Identity = new LinkIdentity("ca-1", ["ca"], "akka.tcp://mpcsign@127.0.0.1:1") });
        await ExpectOutboundRefusalAsync(server, LinkError.IdentityMismatch);
    }

    [Test, CancelAfter(60_000)]
    public async Task Tls12Only_Outbound_IsRefused()
    {
        await using var server = new RogueServer(address => new Rogue(_world) { Protocols = SslProtocols.Tls12, Identity = Claiming(address) });
        await ExpectOutboundRefusalAsync(server, LinkError.TlsFailed);
    }

    [Test, CancelAfter(60_000)]
    public async Task StalledPeer_Outbound_IsCutOffAtTheTimeout()
    {
        await using var server = new RogueServer(address => new Rogue(_world) { Identity = Claiming(address) }, stallRaw: true);
        await ExpectOutboundRefusalAsync(server, LinkError.Timeout);
    }

    /// <summary>The control: the same rogue machinery, wrong in nothing, is accepted (so the refusals above are the attacks').</summary>
    [Test, CancelAfter(60_000)]
    public async Task CorrectPeer_SameMachinery_IsAccepted()
    {
        Assert.That(await NewRogue().DialAsync(_honest.Address), Is.EqualTo(RogueOutcome.Accepted));
        await using var server = new RogueServer(address => new Rogue(_world) { Identity = Claiming(address) });
        _honest.System.ActorSelection($"{server.Address}/user/echo").Tell(new ErrorInfo { Code = "dial" });
        Assert.That(await server.FirstOutcome, Is.EqualTo(RogueOutcome.Accepted));
    }

    private static LinkIdentity Claiming(Address address) => new("rogue", ["signer"], address.ToString());

    /// <summary>A raw TCP peer: sends <paramref name="bytes"/> and waits until the honest node closes.</summary>
    private async Task<RogueOutcome> RawAsync(byte[] bytes)
    {
        using var tcp = new TcpClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await tcp.ConnectAsync(_honest.Address.Host!, _honest.Address.Port!.Value, cts.Token);
        var stream = tcp.GetStream();
        await stream.WriteAsync(bytes, cts.Token);
        var sink = new byte[4096];
        try
        {
            while (await stream.ReadAsync(sink, cts.Token) > 0)
            {
            }
        }
        catch (IOException)
        {
            // reset by the honest node: refused all the same
        }
        return RogueOutcome.Refused;
    }

    private async Task ExpectInboundRefusalAsync(Task<RogueOutcome> attack, LinkError code, string? reason = null)
    {
        Assert.That(await attack, Is.Not.EqualTo(RogueOutcome.Accepted), "the honest node accepted the rogue");
        var refused = await _honest.Events.NextAsync<AttestedLinkRefused>();
        Assert.That(refused.Inbound, Is.True);
        Assert.That(refused.Dialed, Is.Null, "an inbound peer's claims name nobody");
        await ExpectRefusedAndStillUpAsync(refused, code, reason);
    }

    private async Task ExpectOutboundRefusalAsync(RogueServer server, LinkError code, string? reason = null)
    {
        _honest.System.ActorSelection($"{server.Address}/user/echo").Tell(new ErrorInfo { Code = "to the rogue" });
        var refused = await _honest.Events.NextAsync<AttestedLinkRefused>();
        Assert.That(refused.Inbound, Is.False);
        Assert.That(refused.Dialed, Is.EqualTo(server.Address));
        // The rogue never saw the honest node's evidence, let alone an actor message.
        Assert.That(await server.FirstOutcome, Is.Not.EqualTo(RogueOutcome.Accepted));
        await ExpectRefusedAndStillUpAsync(refused, code, reason);
    }

    private async Task ExpectRefusedAndStillUpAsync(AttestedLinkRefused refused, LinkError code, string? reason)
    {
        Assert.That(refused.Code, Is.EqualTo(code), refused.Reason);
        if (reason is not null) Assert.That(refused.Reason, Does.Contain(reason));
        Assert.That(_honest.Events.Of<AttestedLinkEstablished>(), Is.Empty, "a link was established");

        // Still up: not terminated, nothing delivered, and an honest peer links and talks to it as before.
        Assert.That(_honest.System.WhenTerminated.IsCompleted, Is.False);
        var recorded = await _honest.System.ActorSelection("/user/recorder").Ask<LinkWorld.Recorded>(new LinkWorld.GetRecorded(), TimeSpan.FromSeconds(10));
        Assert.That(recorded.Messages, Is.Empty);
        var peer = _world.Start("peer-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(3)));
        var reply = await peer.Select(_honest, "echo").Ask<ErrorInfo>(new ErrorInfo { Code = "still up" }, TimeSpan.FromSeconds(20));
        Assert.That(reply.Code, Is.EqualTo("still up"));
        Assert.That(_honest.System.WhenTerminated.IsCompleted, Is.False);
    }
}
