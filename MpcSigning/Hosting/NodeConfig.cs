using System.Globalization;
using Microsoft.Extensions.Configuration;
using MpcSigning.Coordinator;
using MpcSigning.Proto.Coordinator;

namespace MpcSigning.Hosting;

/// <summary>
/// A node's configuration: config/mpcsign.json (or --config FILE), then the environment variables users know
/// (REQUIRED_ENGINEERS, REQUIRED_STEWARDS, TEE_POLICY_HASH, MPCSIGN_*). A malformed value stops the node at start
/// with a <see cref="ConfigException"/> naming the setting and what it must look like.
/// </summary>
public sealed record NodeConfig(
    string NodeName,
    IReadOnlyList<string> Roles,
    CoordinatorOptions Coordinator,
    int Threshold,
    int Signers,
    string RelyingPartyId,
    string RelyingPartyOrigin,
    string CaIssuer,
    TimeSpan CertificateLifetime,
    string LogOrigin,
    string LogBaseUrl,
    string LogKeyName,
    string AttestationProvider,
    bool AllowSimulatedAttestation,
    string? TeePolicyHash)
{
    public static readonly string[] AllRoles = ["coordinator", "authn", "signer", "ca", "tlog"];

    /// <summary>
    /// How long the node's start waits while another process holds its data directory (0: fail at once). The CLI sets it
    /// from --wait or MPCSIGN_LOCK_WAIT_SECONDS (<see cref="DataDirectory.LockWait"/>).
    /// </summary>
    public TimeSpan LockWait { get; init; }

    /// <summary>The Cluster section: null for a single-process node (every role, no network).</summary>
    public Cluster.ClusterOptions? Cluster { get; init; }

    public static string DefaultFile => Path.Combine(AppContext.BaseDirectory, "config", "mpcsign.json");

    /// <summary>
    /// Folder holding the simulated SEV-SNP root (its <c>snp-simulated</c> subfolder) when simulated attestation is used
    /// (MPCSIGN_SIMULATED_ROOT_DIR, Attestation:SimulatedRootDir; relative to the working directory). Null: the data
    /// directory. Members of one local cluster share it, since a node trusts only the simulated root it uses itself.
    /// </summary>
    public string? SimulatedRootDir { get; init; }

    /// <summary>The configuration file this was loaded from (absolute path).</summary>
    public string SourceFile { get; init; } = "";

    /// <summary>The WebAuthn section: attestation policy and user verification (<see cref="AuthN.Passkeys.AttestationPolicy"/>).</summary>
    public AuthN.Passkeys.AttestationPolicy WebAuthn { get; init; } = AuthN.Passkeys.AttestationPolicy.Default;

    /// <summary>The Storage section: embedded SQLite (default) or a shared PostgreSQL (<see cref="Storage.StorageOptions"/>).</summary>
    public Storage.StorageOptions Storage { get; init; } = MpcSigning.Storage.StorageOptions.Sqlite;

    /// <summary>
    /// Loads the file (default config/mpcsign.json beside the binary) and applies environment overrides. A relative
    /// <paramref name="file"/> (--config) is relative to the working directory, as a user typing it means it.
    /// </summary>
    public static NodeConfig Load(string? file, Func<string, string?> env)
    {
        // Resolved here: given a relative path, AddJsonFile would look beside the binary instead.
        var path = Path.GetFullPath(file ?? DefaultFile);
        var setting = file is null ? "config" : "--config";
        if (Directory.Exists(path))
            throw new ConfigException(setting, $"'{path}' is a directory; give the configuration file (e.g. config/mpcsign.json)");
        if (!File.Exists(path))
            throw new ConfigException(setting, $"configuration file '{path}' does not exist");
        IConfiguration c;
        try
        {
            c = new ConfigurationBuilder().AddJsonFile(path, optional: false).Build();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or IOException)
        {
            throw new ConfigException(path, "is not valid JSON: " + (e.InnerException?.Message ?? e.Message));
        }
        Serilog.Log.Information("Configuration loaded from {ConfigFile}", path);

        var roles = c.GetSection("Node:Roles").GetChildren().Select(r => r.Value ?? "").ToArray();
        foreach (var r in roles)
            if (!AllRoles.Contains(r)) throw new ConfigException("Node:Roles", $"unknown role '{r}'; roles are {string.Join(", ", AllRoles)}");
        var policy = new QuorumPolicy
        {
            RequiredEngineers = (uint)Int(env, c, "REQUIRED_ENGINEERS", "Quorum:RequiredEngineers", 1, 0, 100),
            RequiredStewards = (uint)Int(env, c, "REQUIRED_STEWARDS", "Quorum:RequiredStewards", 2, 0, 100),
        };
        if (QuorumRule.Validate(policy) is { } bad) throw new ConfigException("REQUIRED_ENGINEERS/REQUIRED_STEWARDS", bad);
        var ttl = TimeSpan.FromMinutes(Int(env, c, "MPCSIGN_SESSION_TTL_MINUTES", "Session:TtlMinutes", 15, 1, 24 * 60));
        // FROST (RFC 9591) needs 2 <= t <= n: a 1-of-n "threshold" would let any one signer sign alone.
        var signers = Int(env, c, "MPCSIGN_SIGNERS", "Signing:Signers", 3, 2, 255, "FROST needs at least 2 signers");
        var threshold = Int(env, c, "MPCSIGN_THRESHOLD", "Signing:Threshold", 2, 2, signers,
            $"FROST needs 2 <= t <= n, and n (MPCSIGN_SIGNERS) is {signers}");
        var lifetime = Int(env, c, "MPCSIGN_CERT_LIFETIME_MINUTES", "Ca:CertificateLifetimeMinutes", 10, 1, 10);
        var provider = Str(env, c, "MPCSIGN_ATTESTATION_PROVIDER", "Attestation:Provider", "auto");
        if (provider is not ("auto" or "configfs" or "ioctl" or "simulated"))
            throw new ConfigException("MPCSIGN_ATTESTATION_PROVIDER", $"'{provider}' is not one of auto, configfs, ioctl, simulated");

        var serviceTimeout = TimeSpan.FromSeconds(Int(env, c, "MPCSIGN_SERVICE_TIMEOUT_SECONDS", "Coordinator:ServiceTimeoutSeconds", 30, 1, 600));
        return new NodeConfig(
            Str(env, c, "MPCSIGN_NODE_NAME", "Node:Name", "node-1"),
            roles.Length == 0 ? AllRoles : roles,
            CoordinatorOptions.Default with
            {
                Policy = policy, SessionTtl = ttl, ServiceTimeout = serviceTimeout,
                SigningRetryDelay = TimeSpan.FromSeconds(Int(env, c, "MPCSIGN_SIGNING_RETRY_SECONDS", "Coordinator:SigningRetrySeconds", 5, 1, 300)),
            },
            threshold,
            signers,
            Str(env, c, "MPCSIGN_RP_ID", "RelyingParty:Id", "mpcsign.local"),
            Origin(env, c),
            Str(env, c, "MPCSIGN_CA_ISSUER", "Ca:Issuer", "https://mpcsign.local"),
            TimeSpan.FromMinutes(lifetime),
            Str(env, c, "MPCSIGN_LOG_ORIGIN", "TLog:Origin", "mpcsign.local/log"),
            Str(env, c, "MPCSIGN_LOG_BASE_URL", "TLog:BaseUrl", "https://mpcsign.local/log"),
            Str(env, c, "MPCSIGN_LOG_KEY_NAME", "TLog:KeyName", "mpcsign.local/log"),
            provider,
            Bool(env, c, "MPCSIGN_ALLOW_SIMULATED_ATTESTATION", "Attestation:AllowSimulated", false),
            PolicyHash(env("TEE_POLICY_HASH")))
        {
            SourceFile = path,
            SimulatedRootDir = (env("MPCSIGN_SIMULATED_ROOT_DIR") is { Length: > 0 } sim ? ("MPCSIGN_SIMULATED_ROOT_DIR", sim)
                : ("Attestation:SimulatedRootDir", c["Attestation:SimulatedRootDir"])) is (var simKey, { Length: > 0 } simDir)
                ? MpcSigning.Hosting.Cluster.ClusterOptions.FullPath(simKey, simDir) : null,
            Cluster = MpcSigning.Hosting.Cluster.ClusterOptions.Load(c, env),
            Storage = MpcSigning.Storage.StorageOptions.Load(c, env),
            WebAuthn = MpcSigning.AuthN.Passkeys.AttestationPolicy.Load(c, env),
        };
    }

    /// <summary>
    /// The WebAuthn origin approvals must come from (clientDataJSON.origin): an absolute https origin, or http on
    /// localhost (WebAuthn's only non-https secure context). Anything else could never match an assertion.
    /// </summary>
    private static string Origin(Func<string, string?> env, IConfiguration c)
    {
        const string variable = "MPCSIGN_RP_ORIGIN", key = "RelyingParty:Origin";
        var (name, raw) = env(variable) is { Length: > 0 } e ? (variable, e) : (key, c[key]);
        if (string.IsNullOrEmpty(raw)) return "https://mpcsign.local";
        var ok = Uri.TryCreate(raw, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.Host == "localhost"))
            && uri.UserInfo.Length == 0 && uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.Fragment.Length == 0
            && !raw.EndsWith('/');
        if (!ok)
            throw new ConfigException(name, $"must be an origin: https://HOST[:PORT] (or http://localhost[:PORT]) with no path, got '{raw}'");
        return raw;
    }

    private static string? PolicyHash(string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        var v = value.Trim().ToLowerInvariant();
        if (v.Length != 64 || !v.All(Uri.IsHexDigit))
            throw new ConfigException("TEE_POLICY_HASH", $"must be 64 hex characters (SHA-256 of the 48-byte MEASUREMENT; see 'mpcsign attest policy-hash'), got {value.Length} characters");
        return v;
    }

    private static string Str(Func<string, string?> env, IConfiguration c, string variable, string key, string fallback) =>
        env(variable) is { Length: > 0 } e ? e : c[key] is { Length: > 0 } v ? v : fallback;

    private static int Int(Func<string, string?> env, IConfiguration c, string variable, string key, int fallback, int min, int max,
        string? why = null)
    {
        var (name, raw) = env(variable) is { Length: > 0 } e ? (variable, e) : (key, c[key]);
        if (raw is null) return fallback;
        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
            throw new ConfigException(name, $"must be a whole number from {min} to {max}{(why is null ? "" : $" ({why})")}, got '{raw}'");
        return n;
    }

    internal static bool Bool(Func<string, string?> env, IConfiguration c, string variable, string key, bool fallback)
    {
        var (name, raw) = env(variable) is { Length: > 0 } e ? (variable, e) : (key, c[key]);
        if (raw is null) return fallback;
        return raw.ToLowerInvariant() switch
        {
            "true" or "1" or "yes" => true,
            "false" or "0" or "no" => false,
            _ => throw new ConfigException(name, $"must be true or false, got '{raw}'"),
        };
    }
}

/// <summary>A configuration value is wrong; the message names the setting (variable or key).</summary>
public sealed class ConfigException(string setting, string problem) : Exception($"{setting}: {problem}")
{
    public string Setting { get; } = setting;
}
