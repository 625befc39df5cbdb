using System.IO.Pipelines;
using System.Net.Security;
using Google.Protobuf;
using MpcSigning.Interop;
using MpcSigning.Proto.Transport;
using MpcSigning.Transport.Tls;
using Frame = MpcSigning.Proto.Transport.LinkHandshakeFrame;

namespace MpcSigning.Transport.Handshake;

/// <summary>A connection whose peer proved its measured code: what the link keeps after the handshake.</summary>
/// <param name="Input">Reads the TLS stream; bytes the peer sent right after its last handshake frame wait here.</param>
/// <param name="PeerReportDigest">SHA-256 (hex) of the peer's verified report.</param>
internal sealed record LinkSession(SslStream Ssl, PipeReader Input, LinkRole Role, LinkReportData.Connection Connection,
    LinkIdentity Peer, string PeerReportDigest);

/// <summary>
/// The attested-link handshake after TLS 1.3 (ARCHITECTURE.md "Attested links"). Three frames each way, in this order:
/// I: Hello(Ni, id_I) -&gt; R: Hello(Nr, id_R), Evidence_R -&gt; I verifies, then Evidence_I, Finished -&gt; R verifies,
/// then Finished. Each side sends Finished only after it verified the other, and neither delivers nor sends an actor
/// frame before it has read the other's Finished. Any deviation refuses the link with <see cref="LinkRefusedException"/>.
/// </summary>
internal static class LinkHandshake
{
    public const uint Version = 1;

    /// <param name="dialed">The canonical address the initiator dialed; the responder must claim exactly it.</param>
    public static async Task<LinkSession> InitiateAsync(Stream network, string targetHost, string dialed, LinkContext ctx, CancellationToken ct)
    {
        var ssl = await LinkTls.ClientAsync(network, ctx.Tls, targetHost, ctx.Clock, ct);
        var input = PipeReader.Create(ssl, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        try
        {
            var binding = LinkTls.ChannelBinding(ssl);
            var peerSpki = LinkTls.PeerSpkiSha256(ssl);
            var self = ctx.Self;
            var ni = Nonce();
            await LinkFrames.WriteAsync(ssl, new Frame { Hello = Hello(ni, self) }, ct);

            var hello = Expect(await LinkFrames.ReadHandshakeAsync(input, ct), Frame.StepOneofCase.Hello).Hello;
            var (nr, responder) = CheckHello(hello);
            if (responder.Address != dialed)
                throw new LinkRefusedException(LinkError.IdentityMismatch, $"dialed {dialed} but the peer says it is {responder.Address} (diversion)");
            var connection = new LinkReportData.Connection(ctx.Tls.SpkiSha256, peerSpki, binding, self, responder);

            var evidence = Expect(await LinkFrames.ReadHandshakeAsync(input, ct), Frame.StepOneofCase.Evidence).Evidence;
            var digest = ctx.Verify(evidence.Evidence, LinkReportData.Handshake(LinkRole.Responder, ni, nr, connection), "handshake report");
            ctx.Accept(responder);

            var own = await ctx.EvidenceAsync(LinkReportData.Handshake(LinkRole.Initiator, ni, nr, connection), ct);
            var frames = LinkFrames.Encode(new Frame { Evidence = new LinkEvidence { Evidence = Attestation.EvidenceMessages.ToProto(own) } })
                .Concat(LinkFrames.Encode(new Frame { Finished = new LinkFinished() })).ToArray();
            await ssl.WriteAsync(frames, ct);
            await ssl.FlushAsync(ct);

            Expect(await LinkFrames.ReadHandshakeAsync(input, ct), Frame.StepOneofCase.Finished);
            return new LinkSession(ssl, input, LinkRole.Initiator, connection, responder, digest);
        }
        catch
        {
            await input.CompleteAsync();
            await ssl.DisposeAsync();
            throw;
        }
    }

    public static async Task<LinkSession> RespondAsync(Stream network, LinkContext ctx, CancellationToken ct)
    {
        var ssl = await LinkTls.ServerAsync(network, ctx.Tls, ctx.Clock, ct);
        var input = PipeReader.Create(ssl, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        try
        {
            var binding = LinkTls.ChannelBinding(ssl);
            var peerSpki = LinkTls.PeerSpkiSha256(ssl);
            var self = ctx.Self;

            var hello = Expect(await LinkFrames.ReadHandshakeAsync(input, ct), Frame.StepOneofCase.Hello).Hello;
            var (ni, initiator) = CheckHello(hello);
            var nr = Nonce();
            var connection = new LinkReportData.Connection(peerSpki, ctx.Tls.SpkiSha256, binding, initiator, self);
            var own = await ctx.EvidenceAsync(LinkReportData.Handshake(LinkRole.Responder, ni, nr, connection), ct);
            var frames = LinkFrames.Encode(new Frame { Hello = Hello(nr, self) })
                .Concat(LinkFrames.Encode(new Frame { Evidence = new LinkEvidence { Evidence = Attestation.EvidenceMessages.ToProto(own) } })).ToArray();
            await ssl.WriteAsync(frames, ct);
            await ssl.FlushAsync(ct);

            var evidence = Expect(await LinkFrames.ReadHandshakeAsync(input, ct), Frame.StepOneofCase.Evidence).Evidence;
            var digest = ctx.Verify(evidence.Evidence, LinkReportData.Handshake(LinkRole.Initiator, ni, nr, connection), "handshake report");
            ctx.Accept(initiator);

            // The initiator's Finished says it accepted this node; only then is the link established here.
            Expect(await LinkFrames.ReadHandshakeAsync(input, ct), Frame.StepOneofCase.Finished);
            await LinkFrames.WriteAsync(ssl, new Frame { Finished = new LinkFinished() }, ct);
            return new LinkSession(ssl, input, LinkRole.Responder, connection, initiator, digest);
        }
        catch
        {
            await input.CompleteAsync();
            await ssl.DisposeAsync();
            throw;
        }
    }

    private static Frame Expect(Frame frame, Frame.StepOneofCase step) => frame.StepCase == step ? frame
        : throw new LinkRefusedException(LinkError.ProtocolViolation,
            $"the peer sent {(frame.StepCase == Frame.StepOneofCase.None ? "an empty handshake frame" : frame.StepCase.ToString())} where {step} was due");

    private static (byte[] Nonce, LinkIdentity Identity) CheckHello(LinkHello hello)
    {
        if (hello.Version != Version)
            throw new LinkRefusedException(LinkError.VersionMismatch, $"the peer speaks attested-link handshake version {hello.Version}; this node speaks {Version}");
        if (hello.Nonce.Length != LinkReportData.NonceSize)
            throw new LinkRefusedException(LinkError.ProtocolViolation, $"the peer's nonce is {hello.Nonce.Length} bytes, not {LinkReportData.NonceSize}");
        if (hello.Identity is null)
            throw new LinkRefusedException(LinkError.IdentityMismatch, "the peer's hello names no identity");
        var identity = LinkIdentity.FromProto(hello.Identity);
        if (identity.Problem() is { } problem)
            throw new LinkRefusedException(LinkError.IdentityMismatch, "the peer's identity is malformed: " + problem);
        return (hello.Nonce.ToByteArray(), identity);
    }

    private static LinkHello Hello(byte[] nonce, LinkIdentity self) =>
        new() { Version = Version, Nonce = ByteString.CopyFrom(nonce), Identity = self.ToProto() };

    internal static byte[] Nonce()
    {
        var n = new byte[LinkReportData.NonceSize];
        Sodium.RandomBytes(n);
        return n;
    }
}
