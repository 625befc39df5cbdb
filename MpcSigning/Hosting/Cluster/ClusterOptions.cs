using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;

namespace MpcSigning.Hosting.Cluster;

/// <summary>
/// The configuration's <c>Cluster</c> section: where this node listens and which seed nodes it joins through. A node
/// whose configuration has no such section is a single-process node (every role, no network); with it, <c>mpcsign node</c>
/// runs the configured roles as one member of an Akka.Cluster, and the flow commands reach that cluster as a client.
/// </summary>
/// <param name="Hostname">Address to bind and advertise (MPCSIGN_CLUSTER_HOSTNAME, Cluster:Hostname; default 127.0.0.1).</param>
/// <param name="Port">TCP port (MPCSIGN_CLUSTER_PORT, Cluster:Port); 0 picks a free one (never for a seed node).</param>
/// <param name="SeedNodes">host:port of the seed nodes (MPCSIGN_CLUSTER_SEED_NODES comma-separated, Cluster:SeedNodes).</param>
/// <param name="DownUnreachableAfter">How long a member may stay unreachable before the split-brain resolver (keep-majority)
/// decides (MPCSIGN_CLUSTER_STABLE_AFTER_SECONDS, Cluster:StableAfterSeconds; default 20).</param>
public sealed record ClusterOptions(string Hostname, int Port, IReadOnlyList<(string Host, int Port)> SeedNodes, TimeSpan DownUnreachableAfter)
{
    /// <summary>Every member's actor system has this name: Akka.Cluster joins only systems of the same name.</summary>
    public const string SystemName = "mpcsign";

    /// <summary>
    /// Folder holding the development link TLS CA (its <c>link-ca</c> subfolder), shared by every local member and client
    /// (MPCSIGN_LINK_CA_DIR, Cluster:LinkCaDir; a relative path is relative to the working directory, like --data-dir).
    /// Null: the data directory. Used only when LINK_CA_TLS_CERT/LINK_CA_TLS_KEY are unset and simulated attestation is allowed.
    /// </summary>
    public string? LinkCaDir { get; init; }

    /// <summary>How often each side re-attests a live link (MPCSIGN_LINK_REATTEST_SECONDS, Cluster:ReattestSeconds; default 600).</summary>
    public TimeSpan ReattestInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long <c>mpcsign node</c> waits to become Up in the cluster before it gives up and exits for its supervisor to
    /// start it again (MPCSIGN_CLUSTER_JOIN_TIMEOUT_SECONDS, Cluster:JoinTimeoutSeconds; default 120). Akka retries a join
    /// forever; a member that no seed answers, or that a cluster welcomed and never moved to Up (welcomed by a member that
    /// died before telling the others), would otherwise wait silently, with no role served.
    /// </summary>
    public TimeSpan JoinTimeout { get; init; } = TimeSpan.FromSeconds(DefaultJoinTimeoutSeconds);

    /// <summary>Default of <see cref="JoinTimeout"/>, in seconds.</summary>
    public const int DefaultJoinTimeoutSeconds = 120;

    /// <summary>The Cluster section, or null when the configuration has none (single-process node).</summary>
    public static ClusterOptions? Load(IConfiguration c, Func<string, string?> env)
    {
        var section = c.GetSection("Cluster");
        var envSeeds = env("MPCSIGN_CLUSTER_SEED_NODES");
        if (!section.Exists() && string.IsNullOrEmpty(envSeeds)) return null;

        var hostname = env("MPCSIGN_CLUSTER_HOSTNAME") is { Length: > 0 } h ? h : section["Hostname"] is { Length: > 0 } v ? v : "127.0.0.1";
        if (Uri.CheckHostName(hostname) == UriHostNameType.Unknown)
            throw new ConfigException("Cluster:Hostname", $"'{hostname}' is not a host name or IP address");
        var port = ParsePort(env("MPCSIGN_CLUSTER_PORT") is { Length: > 0 } p ? ("MPCSIGN_CLUSTER_PORT", p) : ("Cluster:Port", section["Port"]), allowZero: true);
        var (seedSetting, seedValues) = string.IsNullOrEmpty(envSeeds)
            ? ("Cluster:SeedNodes", section.GetSection("SeedNodes").GetChildren().Select(s => s.Value ?? "").ToArray())
            : ("MPCSIGN_CLUSTER_SEED_NODES", envSeeds.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        if (seedValues.Length == 0)
            throw new ConfigException(seedSetting, "lists no seed node; give at least one as \"host:port\" (a seed lists itself first)");
        var seeds = seedValues.Select(s => Seed(seedSetting, s)).ToArray();

        var stable = env("MPCSIGN_CLUSTER_STABLE_AFTER_SECONDS") is { Length: > 0 } e ? ("MPCSIGN_CLUSTER_STABLE_AFTER_SECONDS", e)
            : ("Cluster:StableAfterSeconds", section["StableAfterSeconds"]);
        var stableSeconds = stable.Item2 is null ? 20 : Whole(stable.Item1, stable.Item2, 1, 3600);
        var caDir = env("MPCSIGN_LINK_CA_DIR") is { Length: > 0 } d ? ("MPCSIGN_LINK_CA_DIR", d) : ("Cluster:LinkCaDir", section["LinkCaDir"]);
        var reattest = env("MPCSIGN_LINK_REATTEST_SECONDS") is { Length: > 0 } r ? ("MPCSIGN_LINK_REATTEST_SECONDS", r)
            : ("Cluster:ReattestSeconds", section["ReattestSeconds"]);
        var join = env("MPCSIGN_CLUSTER_JOIN_TIMEOUT_SECONDS") is { Length: > 0 } j ? ("MPCSIGN_CLUSTER_JOIN_TIMEOUT_SECONDS", j)
            : ("Cluster:JoinTimeoutSeconds", section["JoinTimeoutSeconds"]);
        return new ClusterOptions(hostname, port, seeds, TimeSpan.FromSeconds(stableSeconds))
        {
            LinkCaDir = string.IsNullOrWhiteSpace(caDir.Item2) ? null : FullPath(caDir.Item1, caDir.Item2),
            ReattestInterval = TimeSpan.FromSeconds(reattest.Item2 is null ? 600 : Whole(reattest.Item1, reattest.Item2, 1, 24 * 3600)),
            JoinTimeout = TimeSpan.FromSeconds(join.Item2 is null ? DefaultJoinTimeoutSeconds : Whole(join.Item1, join.Item2, 1, 24 * 3600)),
        };
    }

    /// <summary>A folder setting, relative to the working directory.</summary>
    internal static string FullPath(string setting, string raw)
    {
        try
        {
            return Path.GetFullPath(raw.Trim());
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new ConfigException(setting, $"'{raw}' is not a valid folder path");
        }
    }

    private static (string, int) Seed(string setting, string value)
    {
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || value.Contains("://", StringComparison.Ordinal))
            throw new ConfigException(setting, $"seed node '{value}' must be \"host:port\", e.g. \"127.0.0.1:4051\"");
        var host = value[..colon];
        if (Uri.CheckHostName(host) == UriHostNameType.Unknown) throw new ConfigException(setting, $"seed node '{value}' has no valid host");
        return (host, ParsePort((setting, value[(colon + 1)..]), allowZero: false));
    }

    private static int ParsePort((string Setting, string? Raw) v, bool allowZero) =>
        v.Raw is null ? (allowZero ? 0 : throw new ConfigException(v.Setting, "needs a port"))
            : Whole(v.Setting, v.Raw, allowZero ? 0 : 1, IPEndPoint.MaxPort);

    private static int Whole(string setting, string raw, int min, int max) =>
        int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ConfigException(setting, $"must be a whole number from {min} to {max}, got '{raw}'");
}
