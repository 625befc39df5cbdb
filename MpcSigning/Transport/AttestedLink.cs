using System.Net;
using System.Threading.Channels;
using MpcSigning.Transport.Handshake;

namespace MpcSigning.Transport;

/// <summary>
/// One established attested link: a TLS 1.3 connection whose peer proved its measured code in the handshake. Writes are
/// queued and sent in batches by one writer loop; reading starts only when <see cref="Start"/> names a receiver, and until
/// then whatever the peer sends waits in the link's buffer (nothing is dropped). Each side re-attests the other on a
/// timer (<see cref="LinkOptions.ReattestInterval"/>); a failed re-attestation cuts the link.
/// </summary>
internal sealed partial class AttestedLink
{
    private const int BatchSize = 64 * 1024;

    private readonly LinkSession _session;
    private readonly LinkContext _ctx;
    private readonly ILinkEvents _events;
    private readonly Channel<OutFrame> _out = Channel.CreateUnbounded<OutFrame>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _cts = new();
    private readonly Task _writer;
    private ILinkReceiver? _receiver;
    private long _queuedBytes;
    private int _closed;
    private volatile string _peerReportDigest;
    private volatile string? _closeReason;
    private int _closeNotified;

    private readonly record struct OutFrame(ReadOnlyMemory<byte> Data, bool Control);

    public AttestedLink(LinkSession session, LinkContext ctx, ILinkEvents events, EndPoint? local, EndPoint? remote)
    {
        _session = session;
        _ctx = ctx;
        _events = events;
        _peerReportDigest = session.PeerReportDigest;
        LocalEndPoint = local as IPEndPoint;
        RemoteEndPoint = remote as IPEndPoint;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>The peer's attested identity (its canonical address, name and roles).</summary>
    public LinkIdentity Peer => _session.Peer;

    /// <summary>SHA-256 (hex) of the peer's last verified report (the handshake's, then each re-attestation's).</summary>
    public string PeerReportDigest => _peerReportDigest;

    /// <summary>True when the peer dialed this node.</summary>
    public bool Inbound => _session.Role == LinkRole.Responder;

    public IPEndPoint? LocalEndPoint { get; }

    public IPEndPoint? RemoteEndPoint { get; }

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Starts reading (frames already received are delivered first) and the re-attestation timer.</summary>
    public void Start(ILinkReceiver receiver)
    {
        if (Interlocked.CompareExchange(ref _receiver, receiver, null) is not null)
            throw new InvalidOperationException("the link already has a receiver");
        if (_closeReason is { } reason)
        {
            NotifyClosed(reason);
            return;
        }
        _ = Task.Run(ReadLoopAsync);
        _ = Task.Run(ReattestLoopAsync);
    }

    /// <summary>
    /// Queues one Akka frame (the memory must stay unchanged: Akka's ByteStrings are immutable). False when the link is
    /// closed or the queue is over <see cref="LinkOptions.SendQueueLimit"/> (Akka buffers and retries).
    /// </summary>
    public bool TryWrite(ReadOnlyMemory<byte> payload)
    {
        if (IsClosed || payload.Length > _ctx.Options.MaximumFrameSize) return false;
        if (Interlocked.Read(ref _queuedBytes) > _ctx.Options.SendQueueLimit) return false;
        Interlocked.Add(ref _queuedBytes, payload.Length);
        return _out.Writer.TryWrite(new OutFrame(payload, false));
    }

    private void WriteControl(Proto.Transport.LinkControl message) =>
        _out.Writer.TryWrite(new OutFrame(Google.Protobuf.MessageExtensions.ToByteArray(message), true));

    /// <summary>
    /// Closes the link once: with <paramref name="graceful"/>, frames already queued are sent first (bounded by the
    /// handshake timeout). The receiver hears <see cref="ILinkReceiver.OnClosed"/> once.
    /// </summary>
    public void Close(string reason, bool graceful = false)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        _out.Writer.TryComplete();
        _ = Task.Run(async () =>
        {
            if (graceful) await Task.WhenAny(_writer, Task.Delay(_ctx.Options.HandshakeTimeout));
            await _cts.CancelAsync();
            try
            {
                await _session.Ssl.DisposeAsync();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
            {
                // The connection is going away either way.
            }
            _events.Closed(this, reason);
            _closeReason = reason;
            NotifyClosed(reason);
        });
    }

    private void NotifyClosed(string reason)
    {
        if (Volatile.Read(ref _receiver) is { } receiver && Interlocked.Exchange(ref _closeNotified, 1) == 0)
            receiver.OnClosed(reason);
    }

    private async Task WriteLoopAsync()
    {
        var buffer = new byte[BatchSize];
        var reader = _out.Reader;
        var ssl = _session.Ssl;
        var token = _cts.Token;
        try
        {
            while (await reader.WaitToReadAsync(token))
            {
                var used = 0;
                while (reader.TryRead(out var frame))
                {
                    var need = LinkFrames.HeaderSize + frame.Data.Length;
                    if (used > 0 && used + need > buffer.Length)
                    {
                        await ssl.WriteAsync(buffer.AsMemory(0, used), token);
                        used = 0;
                    }
                    LinkFrames.WriteHeader(buffer.AsSpan(used), frame.Data.Length, frame.Control);
                    if (need > buffer.Length)
                    {
                        await ssl.WriteAsync(buffer.AsMemory(0, LinkFrames.HeaderSize), token);
                        await ssl.WriteAsync(frame.Data, token);
                    }
                    else
                    {
                        frame.Data.Span.CopyTo(buffer.AsSpan(used + LinkFrames.HeaderSize));
                        used += need;
                    }
                    if (!frame.Control) Interlocked.Add(ref _queuedBytes, -frame.Data.Length);
                }
                if (used > 0) await ssl.WriteAsync(buffer.AsMemory(0, used), token);
                await ssl.FlushAsync(token);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            Close(IsClosed ? "closed" : "sending failed: " + e.Message);
        }
    }

    public override string ToString() => $"attested link {(Inbound ? "from" : "to")} {Peer} (report {PeerReportDigest[..16]}...)";
}
