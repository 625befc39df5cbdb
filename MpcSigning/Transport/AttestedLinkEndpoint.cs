using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MpcSigning.Transport.Handshake;

namespace MpcSigning.Transport;

/// <summary>
/// Listens for and dials attested links, outside any actor system (the Akka transport wraps it). Every connection runs
/// the whole handshake (TCP, TLS 1.3, attestation) within <see cref="LinkOptions.HandshakeTimeout"/>; at most
/// <see cref="LinkOptions.MaxPendingHandshakes"/> inbound handshakes run at once. A refused connection is closed, reported
/// to <see cref="ILinkEvents.Refused"/> and never reaches the caller: a hostile peer costs a bounded handshake, nothing more.
/// </summary>
internal sealed class AttestedLinkEndpoint(LinkContext ctx, ILinkEvents events) : IAsyncDisposable
{
    private readonly LinkContext _ctx = ctx;
    private readonly ILinkEvents _events = events;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<AttestedLink, byte> _links = new();
    private TcpListener? _listener;
    private int _pendingHandshakes;

    public LinkContext Context => _ctx;

    public IPEndPoint Listen(string hostname, int port)
    {
        var address = IPAddress.TryParse(hostname, out var ip) ? ip : Dns.GetHostAddresses(hostname).First();
        _listener = new TcpListener(address, port);
        _listener.Start(backlog: 256);
        return (IPEndPoint)_listener.LocalEndpoint;
    }

    /// <summary>Accepts connections until disposed; each link that passes the handshake goes to <paramref name="onInbound"/>.</summary>
    public void StartAccepting(Func<AttestedLink, Task> onInbound)
    {
        var listener = _listener ?? throw new InvalidOperationException("Listen first");
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket socket;
                try
                {
                    socket = await listener.AcceptSocketAsync(_stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    if (_stop.IsCancellationRequested) return;
                    continue;
                }
                if (Interlocked.Increment(ref _pendingHandshakes) > _ctx.Options.MaxPendingHandshakes)
                {
                    Interlocked.Decrement(ref _pendingHandshakes);
                    var endpoint = socket.RemoteEndPoint?.ToString() ?? "?";
                    socket.Dispose();
                    _events.Refused(true, endpoint, null, new LinkRefusedException(LinkError.Busy,
                        $"{_ctx.Options.MaxPendingHandshakes} handshakes are already in progress; connection closed"));
                    continue;
                }
                _ = Task.Run(() => RespondAsync(socket, onInbound));
            }
        });
    }

    private async Task RespondAsync(Socket socket, Func<AttestedLink, Task> onInbound)
    {
        var endpoint = socket.RemoteEndPoint?.ToString() ?? "?";
        AttestedLink? link = null;
        try
        {
            socket.NoDelay = true;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(_ctx.Options.HandshakeTimeout);
            LinkSession session;
            try
            {
                session = await LinkHandshake.RespondAsync(new NetworkStream(socket, ownsSocket: true), _ctx, timeout.Token);
            }
            catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
            {
                throw TimedOut();
            }
            finally
            {
                Interlocked.Decrement(ref _pendingHandshakes);
            }
            link = Adopt(session, socket);
            await onInbound(link);
        }
        catch (Exception e)
        {
            // Whatever a peer makes fail stays here: the connection is refused, the node goes on.
            socket.Dispose();
            link?.Close("refused: " + e.Message);
            if (!_stop.IsCancellationRequested) _events.Refused(true, endpoint, null, Refusal(e));
        }
    }

    /// <summary>Dials <paramref name="host"/>:<paramref name="port"/>; the peer must prove it is <paramref name="dialed"/>.</summary>
    /// <exception cref="LinkRefusedException">Not connected, not attested, or not who was dialed; already reported to the _events.</exception>
    public async Task<AttestedLink> ConnectAsync(string host, int port, string dialed)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(_ctx.Options.HandshakeTimeout);
        try
        {
            try
            {
                await socket.ConnectAsync(host, port, timeout.Token);
            }
            catch (SocketException e)
            {
                throw new LinkRefusedException(LinkError.ConnectFailed, $"cannot connect to {host}:{port}: {e.Message}", e);
            }
            var session = await LinkHandshake.InitiateAsync(new NetworkStream(socket, ownsSocket: true), host, dialed, _ctx, timeout.Token);
            return Adopt(session, socket);
        }
        catch (Exception e)
        {
            var refusal = Refusal(e, timedOut: timeout.IsCancellationRequested && !_stop.IsCancellationRequested);
            socket.Dispose();
            _events.Refused(false, $"{host}:{port}", dialed, refusal);
            throw refusal;
        }
    }

    private AttestedLink Adopt(LinkSession session, Socket socket)
    {
        var link = new LinkWithRegistry(this, session, socket);
        _links[link.Link] = 0;
        _events.Established(link.Link);
        if (_stop.IsCancellationRequested) link.Link.Close("this node is shutting down");
        return link.Link;
    }

    /// <summary>Tracks the link until it closes, so disposing the endpoint closes every link.</summary>
    private sealed class LinkWithRegistry : ILinkEvents
    {
        private readonly AttestedLinkEndpoint _owner;

        public LinkWithRegistry(AttestedLinkEndpoint owner, LinkSession session, Socket socket)
        {
            _owner = owner;
            Link = new AttestedLink(session, owner._ctx, this, socket.LocalEndPoint, socket.RemoteEndPoint);
        }

        public AttestedLink Link { get; }

        public void Established(AttestedLink link) => _owner._events.Established(link);

        public void Refused(bool inbound, string remoteEndpoint, string? dialed, LinkRefusedException refusal) =>
            _owner._events.Refused(inbound, remoteEndpoint, dialed, refusal);

        public void Reattested(AttestedLink link) => _owner._events.Reattested(link);

        public void ReattestFailed(AttestedLink link, LinkRefusedException refusal) => _owner._events.ReattestFailed(link, refusal);

        public void Closed(AttestedLink link, string reason)
        {
            _owner._links.TryRemove(link, out _);
            _owner._events.Closed(link, reason);
        }
    }

    private LinkRefusedException TimedOut() => new(LinkError.Timeout,
        $"the attestation handshake did not complete within {_ctx.Options.HandshakeTimeout.TotalSeconds:0.###} s (handshake-timeout)");

    /// <summary>Maps whatever ended a handshake to the refusal it means.</summary>
    private LinkRefusedException Refusal(Exception e, bool timedOut = false) => e switch
    {
        LinkRefusedException r => r,
        OperationCanceledException when timedOut => TimedOut(),
        OperationCanceledException => _stop.IsCancellationRequested ? new LinkRefusedException(LinkError.PeerClosed, "this node is shutting down") : TimedOut(),
        IOException or SocketException or ObjectDisposedException =>
            new LinkRefusedException(LinkError.PeerClosed, "the connection failed during the attestation handshake: " + e.Message, e),
        _ => new LinkRefusedException(LinkError.ProtocolViolation, $"the attestation handshake failed unexpectedly ({e.GetType().Name}): {e.Message}", e),
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener?.Stop();
        foreach (var link in _links.Keys) link.Close("this node is shutting down", graceful: true);
    }
}
