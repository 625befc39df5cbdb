using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Google.Protobuf;

namespace MpcSigning.Transport.Handshake;

/// <summary>
/// Frames on an attested link: a 4-byte big-endian header, then the payload. The header's top bit flags a control frame
/// (a <c>LinkControl</c> message), the other 31 bits are the payload length. Handshake frames are control-less frames
/// holding one <c>LinkHandshakeFrame</c>; after the handshake, unflagged frames are Akka's. A header announcing more
/// than the bound is refused before a byte of the payload is read.
/// </summary>
public static class LinkFrames
{
    public const int HeaderSize = 4;
    private const uint ControlFlag = 0x8000_0000;

    /// <summary>The largest handshake frame (evidence with AMD's certificates is about 6 KiB).</summary>
    public const int MaxHandshakeFrame = 64 * 1024;

    public static void WriteHeader(Span<byte> destination, int length, bool control) =>
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)length | (control ? ControlFlag : 0));

    /// <summary>One whole frame (header and payload) holding <paramref name="message"/>.</summary>
    public static byte[] Encode(IMessage message, bool control = false)
    {
        var size = message.CalculateSize();
        var frame = new byte[HeaderSize + size];
        WriteHeader(frame, size, control);
        message.WriteTo(frame.AsSpan(HeaderSize));
        return frame;
    }

    /// <summary>
    /// Takes one complete frame off the front of <paramref name="buffer"/>; false when more bytes are needed.
    /// </summary>
    /// <exception cref="LinkRefusedException">The header announces more than <paramref name="maxLength"/> bytes.</exception>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, int maxLength, out bool control, out ReadOnlySequence<byte> payload)
    {
        control = false;
        payload = default;
        if (buffer.Length < HeaderSize) return false;
        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        var word = BinaryPrimitives.ReadUInt32BigEndian(header);
        control = (word & ControlFlag) != 0;
        var length = word & ~ControlFlag;
        if (length > (uint)maxLength)
            throw new LinkRefusedException(LinkError.FrameTooLarge, $"the peer announced a frame of {length} bytes; the limit is {maxLength}");
        if (buffer.Length < HeaderSize + length) return false;
        payload = buffer.Slice(HeaderSize, length);
        buffer = buffer.Slice(HeaderSize + length);
        return true;
    }

    /// <summary>Reads exactly one handshake frame (unflagged, at most <see cref="MaxHandshakeFrame"/> bytes) and parses it.</summary>
    public static async Task<Proto.Transport.LinkHandshakeFrame> ReadHandshakeAsync(PipeReader input, CancellationToken ct)
    {
        while (true)
        {
            var result = await input.ReadAsync(ct);
            var buffer = result.Buffer;
            if (TryRead(ref buffer, MaxHandshakeFrame, out var control, out var payload))
            {
                Proto.Transport.LinkHandshakeFrame frame;
                try
                {
                    if (control) throw new LinkRefusedException(LinkError.ProtocolViolation, "the peer sent a control frame during the handshake");
                    frame = Proto.Transport.LinkHandshakeFrame.Parser.ParseFrom(payload);
                }
                catch (InvalidProtocolBufferException e)
                {
                    throw new LinkRefusedException(LinkError.ProtocolViolation, $"the peer sent a malformed handshake frame ({payload.Length} bytes): " + e.Message);
                }
                finally
                {
                    input.AdvanceTo(buffer.Start);
                }
                return frame;
            }
            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled)
                throw new LinkRefusedException(LinkError.PeerClosed, "the peer closed the connection during the attestation handshake (it may have refused this node: see its audit log)");
        }
    }

    public static async Task WriteAsync(Stream stream, IMessage message, CancellationToken ct, bool control = false)
    {
        await stream.WriteAsync(Encode(message, control), ct);
        await stream.FlushAsync(ct);
    }
}
