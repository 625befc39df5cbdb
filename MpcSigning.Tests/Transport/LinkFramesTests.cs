using System.Buffers;
using System.IO.Pipelines;
using Google.Protobuf;
using MpcSigning.Proto.Transport;
using MpcSigning.Transport;
using MpcSigning.Transport.Handshake;

namespace MpcSigning.Tests.Transport;

public class LinkFramesTests
{
    private static LinkHandshakeFrame Hello() => new()
    {
        Hello = new LinkHello
        {
            Version = 1, Nonce = ByteString.CopyFrom(new byte[32]),
            Identity = new NodeIdentity { NodeName = "n", Address = "akka.tcp://mpcsign@127.0.0.1:1", Roles = { "signer" } },
        },
    };

    [Test]
    public async Task Frames_WrittenBackToBack_AreReadOneByOne()
    {
        var pipe = new Pipe();
        var bytes = LinkFrames.Encode(Hello()).Concat(LinkFrames.Encode(new LinkHandshakeFrame { Finished = new LinkFinished() })).ToArray();
        await pipe.Writer.WriteAsync(bytes);

        var first = await LinkFrames.ReadHandshakeAsync(pipe.Reader, CancellationToken.None);
        var second = await LinkFrames.ReadHandshakeAsync(pipe.Reader, CancellationToken.None);

        Assert.That(first, Is.EqualTo(Hello()));
        Assert.That(second.StepCase, Is.EqualTo(LinkHandshakeFrame.StepOneofCase.Finished));
    }

    [Test]
    public void Frame_SplitAcrossReads_IsIncompleteUntilWhole()
    {
        var bytes = LinkFrames.Encode(Hello());
        var partial = new ReadOnlySequence<byte>(bytes, 0, bytes.Length - 1);
        Assert.That(LinkFrames.TryRead(ref partial, 1024, out _, out _), Is.False);
        var whole = new ReadOnlySequence<byte>(bytes);
        Assert.That(LinkFrames.TryRead(ref whole, 1024, out var control, out var payload), Is.True);
        Assert.That(control, Is.False);
        Assert.That(payload.Length, Is.EqualTo(bytes.Length - LinkFrames.HeaderSize));
        Assert.That(whole.Length, Is.Zero);
    }

    [Test]
    public void Header_AnnouncingMoreThanTheLimit_IsRefusedBeforeThePayloadArrives()
    {
        var header = new ReadOnlySequence<byte>(new byte[] { 0x00, 0x01, 0x00, 0x01 });
        var e = Assert.Throws<LinkRefusedException>(() => LinkFrames.TryRead(ref header, 65536, out _, out _));
        Assert.That(e!.Code, Is.EqualTo(LinkError.FrameTooLarge));
    }

    [Test]
    public void ControlFlag_RoundTrips()
    {
        var bytes = LinkFrames.Encode(new LinkControl { Challenge = new ReattestChallenge { Nonce = ByteString.CopyFrom(new byte[32]) } }, control: true);
        var seq = new ReadOnlySequence<byte>(bytes);
        Assert.That(LinkFrames.TryRead(ref seq, 1024, out var control, out var payload), Is.True);
        Assert.That(control, Is.True);
        Assert.That(LinkControl.Parser.ParseFrom(payload).Challenge.Nonce.Length, Is.EqualTo(32));
    }

    [Test]
    public async Task ControlFrame_DuringTheHandshake_IsAProtocolViolation()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(LinkFrames.Encode(Hello(), control: true));
        var e = Assert.ThrowsAsync<LinkRefusedException>(() => LinkFrames.ReadHandshakeAsync(pipe.Reader, CancellationToken.None));
        Assert.That(e!.Code, Is.EqualTo(LinkError.ProtocolViolation));
    }

    [Test]
    public async Task PeerClosing_MidFrame_IsPeerClosed()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(LinkFrames.Encode(Hello())[..10]);
        await pipe.Writer.CompleteAsync();
        var e = Assert.ThrowsAsync<LinkRefusedException>(() => LinkFrames.ReadHandshakeAsync(pipe.Reader, CancellationToken.None));
        Assert.That(e!.Code, Is.EqualTo(LinkError.PeerClosed));
    }
}
