using Akka.Configuration;

namespace MpcSigning.Transport;

/// <summary>
/// The attested transport's settings, read from its HOCON section (<c>akka.remote.attested-tls</c>, written by
/// <see cref="AttestedLinkConfig.Hocon"/>).
/// </summary>
public sealed record LinkOptions
{
    /// <summary>Interface to listen on.</summary>
    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary>Port to listen on; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Host name in this node's Akka address (what peers dial); defaults to <see cref="Hostname"/>.</summary>
    public string PublicHostname { get; init; } = "127.0.0.1";

    /// <summary>Bound on the whole handshake (TCP, TLS, attestation) and on a re-attestation answer.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often each side asks the other for a fresh report over a live link.</summary>
    public TimeSpan ReattestInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The largest Akka frame either way; a peer that announces a larger one is cut off.</summary>
    public int MaximumFrameSize { get; init; } = 4 * 1024 * 1024;

    /// <summary>Inbound handshakes in progress at once; further connections are closed at once.</summary>
    public int MaxPendingHandshakes { get; init; } = 64;

    /// <summary>Bytes queued for sending before writes report back-pressure (Akka then buffers and retries).</summary>
    public long SendQueueLimit { get; init; } = 16 * 1024 * 1024;

    internal static LinkOptions From(Config c)
    {
        var hostname = c.GetString("hostname", "127.0.0.1");
        var o = new LinkOptions
        {
            Hostname = hostname,
            Port = c.GetInt("port", 0),
            PublicHostname = c.GetString("public-hostname", "") is { Length: > 0 } p ? p : hostname,
            HandshakeTimeout = c.GetTimeSpan("handshake-timeout", TimeSpan.FromSeconds(5)),
            ReattestInterval = c.GetTimeSpan("reattest-interval", TimeSpan.FromMinutes(10)),
            MaximumFrameSize = (int)Math.Min(int.MaxValue / 2, c.GetByteSize("maximum-frame-size") ?? 4 * 1024 * 1024),
            MaxPendingHandshakes = c.GetInt("max-pending-handshakes", 64),
        };
        return o.Problem() is { } problem ? throw new ConfigurationException("akka.remote.attested-tls: " + problem) : o;
    }

    /// <summary>Why these settings cannot work, or null.</summary>
    public string? Problem() =>
        Port is < 0 or > 65535 ? $"port must be 0 to 65535, got {Port}"
        : HandshakeTimeout <= TimeSpan.Zero ? "handshake-timeout must be positive"
        : ReattestInterval < TimeSpan.FromMilliseconds(100) ? "reattest-interval must be at least 100 ms"
        : MaximumFrameSize < 32 * 1024 ? "maximum-frame-size must be at least 32 KiB"
        : MaxPendingHandshakes < 1 ? "max-pending-handshakes must be at least 1"
        : null;
}
