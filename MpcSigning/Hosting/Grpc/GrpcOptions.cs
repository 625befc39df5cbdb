using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;

namespace MpcSigning.Hosting.Grpc;

/// <summary>
/// The gRPC edge of a node: where it listens, its TLS certificate and key, and the CA its clients' certificates must chain
/// to. From the Grpc section of the node's configuration file, overridden by the environment:
/// <list type="bullet">
/// <item>MPCSIGN_GRPC_LISTEN / Grpc:Listen: HOST:PORT (default 127.0.0.1:50051; port 0 picks a free one, printed at start)</item>
/// <item>COORDINATOR_TLS_CERT, COORDINATOR_TLS_KEY / Grpc:TlsCert, Grpc:TlsKey: the node's PEM certificate and key</item>
/// <item>CLIENT_TLS_CA / Grpc:ClientCa: PEM CA certificate(s) a client certificate must chain to</item>
/// <item>MPCSIGN_GRPC_MAX_MESSAGE_BYTES / Grpc:MaxMessageBytes: largest request accepted (default 65536)</item>
/// <item>MPCSIGN_GRPC_MAX_STREAMS / Grpc:MaxStreamsPerConnection: concurrent calls per connection (default 32)</item>
/// </list>
/// With none of the three TLS files set and simulated attestation allowed (development), the node creates a CA, its own
/// certificate and one client certificate under DATA/grpc-dev and prints where.
/// </summary>
public sealed record GrpcOptions(IPAddress Address, int Port, string? CertFile, string? KeyFile, string? ClientCaFile)
{
    public const string ListenVariable = "MPCSIGN_GRPC_LISTEN";
    public const string CertVariable = "COORDINATOR_TLS_CERT";
    public const string KeyVariable = "COORDINATOR_TLS_KEY";
    public const string ClientCaVariable = "CLIENT_TLS_CA";

    public int MaxMessageBytes { get; init; } = 64 * 1024;

    public int MaxStreamsPerConnection { get; init; } = 32;

    /// <summary>Largest reply (a completed session's status carries its bundle).</summary>
    public int MaxSendBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>True when all three TLS files are unset (development creates them).</summary>
    /// <summary>The approval web page's endpoint on the same host (null: none).</summary>
    public Web.WebOptions? Web { get; init; }

    public bool NeedsDevelopmentFiles => CertFile is null && KeyFile is null && ClientCaFile is null;

    public static GrpcOptions Load(NodeConfig config, Func<string, string?> env)
    {
        IConfiguration c = File.Exists(config.SourceFile)
            ? new ConfigurationBuilder().AddJsonFile(config.SourceFile, optional: true).Build()
            : new ConfigurationBuilder().Build();
        var (listenName, listen) = Pick(env, c, ListenVariable, "Grpc:Listen");
        var (address, port) = ParseListen(listenName, listen ?? "127.0.0.1:50051");
        var cert = Pick(env, c, CertVariable, "Grpc:TlsCert").Value;
        var key = Pick(env, c, KeyVariable, "Grpc:TlsKey").Value;
        var ca = Pick(env, c, ClientCaVariable, "Grpc:ClientCa").Value;
        var options = new GrpcOptions(address, port, Full(cert), Full(key), Full(ca))
        {
            MaxMessageBytes = Int(env, c, "MPCSIGN_GRPC_MAX_MESSAGE_BYTES", "Grpc:MaxMessageBytes", 64 * 1024, 1024, 16 * 1024 * 1024),
            MaxStreamsPerConnection = Int(env, c, "MPCSIGN_GRPC_MAX_STREAMS", "Grpc:MaxStreamsPerConnection", 32, 1, 1000),
            Web = MpcSigning.Web.WebOptions.Load(config, env),
        };
        if (!options.NeedsDevelopmentFiles && (cert is null || key is null || ca is null))
            throw new ConfigException($"{CertVariable}/{KeyVariable}/{ClientCaVariable}",
                "give all three (the node's PEM certificate, its key, and the CA of its clients) or none (development creates them)");
        if (options.NeedsDevelopmentFiles && !config.AllowSimulatedAttestation)
            throw new ConfigException($"{CertVariable}/{KeyVariable}/{ClientCaVariable}",
                "not set: a node serving gRPC needs its TLS certificate and key and its clients' CA; only development (simulated attestation allowed) creates them");
        return options;
    }

    /// <summary>HOST:PORT with HOST an IP address (or localhost); PORT 0 to 65535.</summary>
    internal static (IPAddress, int) ParseListen(string setting, string value)
    {
        var at = value.LastIndexOf(':');
        var host = at > 0 ? value[..at].Trim('[', ']') : "";
        var ok = at > 0 & int.TryParse(value[(at + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535;
        IPAddress? address = host == "localhost" ? IPAddress.Loopback : IPAddress.TryParse(host, out var a) ? a : null;
        if (!ok || address is null)
            throw new ConfigException(setting, $"must be IP:PORT (e.g. 127.0.0.1:50051, 0.0.0.0:50051; port 0 picks a free one), got '{value}'");
        return (address, port);
    }

    private static string? Full(string? path) => string.IsNullOrWhiteSpace(path) ? null : Path.GetFullPath(path.Trim());

    private static (string Name, string? Value) Pick(Func<string, string?> env, IConfiguration c, string variable, string key) =>
        env(variable) is { Length: > 0 } e ? (variable, e) : (key, c[key] is { Length: > 0 } v ? v : null);

    private static int Int(Func<string, string?> env, IConfiguration c, string variable, string key, int fallback, int min, int max)
    {
        var (name, raw) = Pick(env, c, variable, key);
        if (raw is null) return fallback;
        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
            throw new ConfigException(name, $"must be a whole number from {min} to {max}, got '{raw}'");
        return n;
    }
}
