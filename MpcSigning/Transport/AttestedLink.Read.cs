using System.Buffers;
using Google.Protobuf;
using MpcSigning.Proto.Transport;
using MpcSigning.Transport.Handshake;

namespace MpcSigning.Transport;

internal sealed partial class AttestedLink
{
    private async Task ReadLoopAsync()
    {
        var input = _session.Input;
        var reason = "the peer closed the link";
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(_cts.Token);
                var buffer = result.Buffer;
                try
                {
                    while (LinkFrames.TryRead(ref buffer, _ctx.Options.MaximumFrameSize, out var control, out var payload))
                    {
                        if (control) OnControl(payload);
                        else _receiver!.OnPayload(payload);
                    }
                }
                finally
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                }
                if (result.IsCompleted || result.IsCanceled) break;
            }
        }
        catch (LinkRefusedException e)
        {
            reason = $"protocol violation ({e.Code}): {e.Message}";
        }
        catch (OperationCanceledException)
        {
            reason = "closed";
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            reason = "connection lost: " + e.Message;
        }
        Close(reason);
    }

    private void OnControl(ReadOnlySequence<byte> payload)
    {
        LinkControl message;
        try
        {
            message = LinkControl.Parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new LinkRefusedException(LinkError.ProtocolViolation, "the peer sent a malformed control frame: " + e.Message);
        }
        switch (message.KindCase)
        {
            case LinkControl.KindOneofCase.Challenge:
                OnChallenge(message.Challenge);
                break;
            case LinkControl.KindOneofCase.Response:
                OnResponse(message.Response);
                break;
            default:
                throw new LinkRefusedException(LinkError.ProtocolViolation, "the peer sent an empty control frame");
        }
    }
}
