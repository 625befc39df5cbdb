using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using MpcSigning.Attestation;
using MpcSigning.Attestation.Providers.Simulated;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Cli;
using MpcSigning.Interop;
using MpcSigning.Proto.Attestation;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Proto.Trust;

namespace MpcSigning.Hosting.Grpc;

/// <summary>
/// The CLI against a running node (--node https://HOST:PORT or MPCSIGN_NODE): gRPC over mutual TLS (CLIENT_TLS_CA,
/// CLIENT_TLS_CERT, CLIENT_TLS_KEY). Before any other call it sends a fresh nonce to Attestation/GetEvidence and
/// verifies the node's report (bound to the nonce and to the TLS key the node presented) with the project's verifier and
/// TEE_POLICY_HASH; a mismatch fails the command with one line, and nothing else is sent. Later connections must present
/// the same TLS key. Bundles of completed sessions are saved under the client's data directory.
/// </summary>
public sealed class GrpcNodeAccess : INodeAccess
{
    public const string NodeVariable = "MPCSIGN_NODE";
    public const string CaVariable = "CLIENT_TLS_CA", CertVariable = "CLIENT_TLS_CERT", KeyVariable = "CLIENT_TLS_KEY";

    private readonly GrpcChannel _channel;
    private readonly X509Certificate2 _clientCertificate;
    private readonly DataDirectory _data;

    private GrpcNodeAccess(string url, GrpcChannel channel, X509Certificate2 clientCertificate, DataDirectory data, NodeConfig config,
        GrpcNodeClient client)
    {
        Url = url;
        _channel = channel;
        _clientCertificate = clientCertificate;
        _data = data;
        Client = client;
        GrpcClient = client;
        RelyingParty = new RelyingParty(config.RelyingPartyId, [config.RelyingPartyOrigin]);
    }

    public string Url { get; }

    public NodeClient Client { get; }

    public GrpcNodeClient GrpcClient { get; }

    public RelyingParty RelyingParty { get; }

    /// <summary>SHA-256 (hex) of the node's verified attestation report.</summary>
    public string ReportDigest { get; private init; } = "";

    /// <summary>Connects, attests the node, and returns the access; every failure is one line (ConfigException or CliException).</summary>
    public static async Task<GrpcNodeAccess> ConnectAsync(string url, NodeConfig config, DataDirectory data, Func<string, string?> env)
    {
        var address = ParseUrl(url);
        var ca = GrpcTls.LoadCa(Required(env, CaVariable, "the CA the node's TLS certificate chains to"), CaVariable);
        var certificate = GrpcTls.LoadCertificateWithKey(Required(env, CertVariable, "this client's PEM certificate"),
            Required(env, KeyVariable, "this client's PEM private key"), $"{CertVariable}/{KeyVariable}");
        var tls = new ServerCheck(ca);
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = new X509CertificateCollection { certificate },
                EnabledSslProtocols = SslProtocols.Tls13,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                RemoteCertificateValidationCallback = tls.Validate,
            },
        };
        var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = 16 * 1024 * 1024,
            MaxSendMessageSize = 1024 * 1024,
        });
        var client = new GrpcNodeClient(channel, address.ToString().TrimEnd('/'), config.Coordinator.ServiceTimeout, tls);
        try
        {
            var digest = await AttestAsync(channel, client, config, data, tls);
            return new GrpcNodeAccess(address.ToString().TrimEnd('/'), channel, certificate, data, config, client) { ReportDigest = digest };
        }
        catch
        {
            channel.Dispose();
            certificate.Dispose();
            throw;
        }
    }

    /// <summary>The attestation policy a client verifies a node with: TEE_POLICY_HASH, and the simulated root in development.</summary>
    public static AttestationPolicy Policy(NodeConfig config, DataDirectory data)
    {
        var options = NodeAttestation.Options(config);
        if (!options.AllowSimulated) return options.Policy;
        // Only read: a client never creates a simulated root, it trusts the node's (development only).
        var root = config.SimulatedRootDir ?? data.Path;
        var ark = Path.Combine(root, SimulatedProvider.StoreFolder, "ark.der");
        if (!File.Exists(ark))
        {
            Serilog.Log.Information("no simulated SEV-SNP root in {Root}: only reports signed by AMD's roots are trusted", root);
            return options.Policy;
        }
        var fingerprint = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(ark)));
        Serilog.Log.Information("trusting the SIMULATED SEV-SNP root {Fingerprint} in {Root} (development only)", fingerprint, root);
        return options.Policy with { TrustedSimulatedArkFingerprint = fingerprint };
    }

    private static async Task<string> AttestAsync(GrpcChannel channel, GrpcNodeClient client, NodeConfig config, DataDirectory data, ServerCheck tls)
    {
        var nonce = new byte[NodeEvidence.NonceSize];
        Sodium.RandomBytes(nonce);
        var attestation = new Proto.Attestation.Attestation.AttestationClient(channel);
        var reply = await client.Call(o => attestation.GetEvidenceAsync(new GetEvidence { Nonce = ByteString.CopyFrom(nonce) }, o),
            config.Coordinator.ServiceTimeout);
        var spki = tls.PinnedSpki ?? throw new CliException($"attestation of {client.Url}: no TLS certificate was seen on the connection");
        if (NodeEvidence.Problem(reply, nonce, spki, Policy(config, data), DateTimeOffset.UtcNow) is { } problem)
            throw new CliException($"attestation of {client.Url} failed, nothing was sent to it: {problem}");
        return Convert.ToHexStringLower(Crypto.Hashes.Sha256(reply.AttestationEvidence.Report.Span));
    }

    private static Uri ParseUrl(string url)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || uri.AbsolutePath != "/"
            || uri.Query.Length != 0 || uri.UserInfo.Length != 0 || uri.IsDefaultPort && !url.Contains(":443", StringComparison.Ordinal))
            throw new ConfigException("--node", $"must be https://HOST:PORT (the address 'mpcsign node' printed), got '{url}'");
        return uri;
    }

    private static string Required(Func<string, string?> env, string variable, string what) =>
        env(variable) is { Length: > 0 } v ? Path.GetFullPath(v.Trim())
        : throw new ConfigException(variable, $"not set: --node needs mutual TLS; set {CaVariable}, {CertVariable} and {KeyVariable} ({what}; " +
            $"in development, the files in the node's data directory under {GrpcTls.DevFolder}/, which 'mpcsign node' prints)");

    public string BundleFile(SessionStatus status) => ClientBundles.Save(_data, status);

    public async Task<byte[]> TrustedRootJsonAsync() => await GrpcClient.TrustedRootJsonAsync();

    /// <summary>The node's TrustedRoot and its trust policy chain, over the attested channel.</summary>
    public Task<Proto.Ca.TrustRoot> TrustRootAsync() => GrpcClient.TrustRootAsync();

    public ValueTask DisposeAsync()
    {
        _channel.Dispose();
        _clientCertificate.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Checks the node's certificate: chains to CLIENT_TLS_CA, names the host dialled, and (after the first connection)
    /// carries the very key the attestation report bound.
    /// </summary>
    internal sealed class ServerCheck(X509Certificate2Collection ca)
    {
        private readonly object _gate = new();

        public byte[]? PinnedSpki { get; private set; }

        /// <summary>Why the last certificate was refused (null when none was).</summary>
        public string? Refusal { get; private set; }

        public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            var problem = GrpcTls.ChainProblem(certificate, ca, GrpcTls.ServerUsage);
            if (problem is null && errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
                problem = $"certificate '{certificate!.Subject}' does not name the host dialled";
            if (problem is null)
            {
                var spki = GrpcTls.SpkiSha256(certificate!);
                lock (_gate)
                {
                    PinnedSpki ??= spki;
                    if (!PinnedSpki.AsSpan().SequenceEqual(spki)) problem = "the node presented another TLS key than the one its attestation report bound";
                }
            }
            Refusal = problem;
            return problem is null;
        }
    }
}
