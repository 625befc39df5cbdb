using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MpcSigning.Attestation;
using Serilog;

namespace MpcSigning.Hosting.Grpc;

/// <summary>
/// A node's gRPC edge: Kestrel, HTTP/2 over TLS 1.3 only, mutual TLS (a client certificate chaining to the clients' CA is
/// required at the handshake; a refusal is logged), in the node's process beside its actors. Serves Coordinator, AuthN,
/// CA, TLog, Attestation and the standard health service; no reflection. The services translate to the node's actor
/// messages and back (<see cref="NodeServices"/>); <see cref="EdgeInterceptor"/> audits and maps errors.
/// </summary>
public sealed class GrpcServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;
    private readonly IDisposable? _provider;

    /// <summary>Records the trust policy changes proposed from the page once their stewards approve (web only).</summary>
    private Policy.ProposalApplier? _proposals;

    private GrpcServer(WebApplication app, X509Certificate2 certificate, IDisposable? provider, string url, string? devFolder, string? webUrl = null)
    {
        WebUrl = webUrl;
        _app = app;
        _certificate = certificate;
        _provider = provider;
        Url = url;
        DevelopmentFolder = devFolder;
    }

    /// <summary>https://HOST:PORT the node listens on (the port actually bound).</summary>
    public string Url { get; }

    /// <summary>https://HOST:PORT of the approval web page (null when Web:Listen is not set).</summary>
    public string? WebUrl { get; }

    /// <summary>Where the development CA and certificates are (null when configured).</summary>
    public string? DevelopmentFolder { get; }

    /// <summary>Starts the edge for <paramref name="node"/> with its attestation provider.</summary>
    public static async Task<GrpcServer> StartAsync(NodeHost node, GrpcOptions options)
    {
        var attestationOptions = NodeAttestation.Options(node.Config);
        var provider = AttestationProviders.Create(attestationOptions, node.Config.SimulatedRootDir ?? node.Data.Path);
        try
        {
            return await StartAsync(node, options, spki => new ProviderEvidenceSource(provider, spki), provider as IDisposable);
        }
        catch
        {
            (provider as IDisposable)?.Dispose();
            throw;
        }
    }

    /// <param name="evidence">The evidence source for the node's TLS SPKI digest (tests substitute a misbehaving one).</param>
    internal static async Task<GrpcServer> StartAsync(NodeHost node, GrpcOptions options, Func<byte[], INodeEvidenceSource> evidence,
        IDisposable? owned)
    {
        string? devFolder = null;
        string certPath, keyPath, caPath;
        if (options.NeedsDevelopmentFiles)
        {
            devFolder = GrpcTls.EnsureDevelopmentFiles(node.Data.Path);
            (certPath, keyPath, caPath) = (Path.Combine(devFolder, GrpcTls.NodeCertFile), Path.Combine(devFolder, GrpcTls.NodeKeyFile),
                Path.Combine(devFolder, GrpcTls.CaCertFile));
            Log.Warning("gRPC TLS uses DEVELOPMENT certificates in {Folder} (keys in plain files); set {Cert}, {Key} and {Ca} in production",
                devFolder, GrpcOptions.CertVariable, GrpcOptions.KeyVariable, GrpcOptions.ClientCaVariable);
        }
        else
            (certPath, keyPath, caPath) = (options.CertFile!, options.KeyFile!, options.ClientCaFile!);
        var certificate = GrpcTls.LoadCertificateWithKey(certPath, keyPath, $"{GrpcOptions.CertVariable}/{GrpcOptions.KeyVariable}");
        var clientCa = GrpcTls.LoadCa(caPath, GrpcOptions.ClientCaVariable);
        var spki = GrpcTls.SpkiSha256(certificate);

        ListenOptions? webListen = null;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(Log.Logger);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.Http2.MaxStreamsPerConnection = options.MaxStreamsPerConnection;
            // The request size is bounded by gRPC's MaxReceiveMessageSize below, which answers ResourceExhausted with a
            // one-line status; a Kestrel body limit as tight would reset the stream first (the client sees Unknown).
            kestrel.Listen(options.Address, options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                listen.UseHttps(new TlsHandshakeCallbackOptions
                {
                    OnConnection = context =>
                    {
                        var remote = context.Connection.RemoteEndPoint?.ToString() ?? "?";
                        return ValueTask.FromResult(new SslServerAuthenticationOptions
                        {
                            ServerCertificate = certificate,
                            EnabledSslProtocols = SslProtocols.Tls13,
                            ClientCertificateRequired = true,
                            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                            ApplicationProtocols = [SslApplicationProtocol.Http2],
                            RemoteCertificateValidationCallback = (_, cert, _, _) =>
                            {
                                var problem = GrpcTls.ChainProblem(cert, clientCa, GrpcTls.ClientUsage);
                                if (problem is not null)
                                {
                                    Log.Warning("gRPC: refused the TLS handshake of {Remote}: {Problem}", remote, problem);
                                    Audit.Record("grpc", cert?.Subject ?? "unauthenticated " + remote, "tls-handshake", null, "refused: " + problem,
                                        ConnectionAttestations.Unattested);
                                }
                                return problem is null;
                            },
                        });
                    },
                });
            });
        });
        if (options.Web is { } web)
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(web.Address, web.Port, listen =>
            {
                // The approval page: a browser has no client certificate, so this endpoint asks for none; it serves only
                // the web routes (Web/WebEndpoints), never gRPC.
                webListen = listen;
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = certificate;
                    https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
                    https.ClientCertificateMode = ClientCertificateMode.NoCertificate;
                });
            }));
        builder.Services.AddRouting();
        builder.Services.AddSingleton(node);
        builder.Services.AddSingleton(evidence(spki));
        builder.Services.AddSingleton<ConnectionAttestations>();
        builder.Services.AddSingleton<EdgeInterceptor>();
        var health = new HealthServiceImpl();
        builder.Services.AddSingleton(health);
        builder.Services.AddGrpc(grpc =>
        {
            grpc.EnableDetailedErrors = false;
            grpc.MaxReceiveMessageSize = options.MaxMessageBytes;
            grpc.MaxSendMessageSize = options.MaxSendBytes;
            grpc.Interceptors.Add<EdgeInterceptor>();
        });
        var app = builder.Build();
        app.UseRouting();
        app.MapGrpcService<CoordinatorService>();
        app.MapGrpcService<AuthNService>();
        app.MapGrpcService<CaService>();
        app.MapGrpcService<TLogService>();
        app.MapGrpcService<AttestationService>();
        app.MapGrpcService<HealthServiceImpl>();
        if (options.Web is not null) MpcSigning.Web.WebEndpoints.Map(app, node, () => webListen!.IPEndPoint!.Port);
        try
        {
            await app.StartAsync();
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            certificate.Dispose();
            throw new ConfigException(GrpcOptions.ListenVariable, $"cannot listen on {options.Address}:{options.Port} ({e.Message}); choose another address or port");
        }
        health.SetStatus("", HealthCheckResponse.Types.ServingStatus.Serving);
        foreach (var service in new[] { "mpcsign.coordinator.Coordinator", "mpcsign.authn.AuthN", "mpcsign.ca.CA", "mpcsign.tlog.TLog", "mpcsign.attestation.Attestation" })
            health.SetStatus(service, HealthCheckResponse.Types.ServingStatus.Serving);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(bound).Port;
        var host = options.Address.Equals(IPAddress.Any) || options.Address.Equals(IPAddress.IPv6Any) ? "127.0.0.1"
            : options.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{options.Address}]" : options.Address.ToString();
        var webUrl = webListen is null ? null : $"https://{Host(options.Web!.Address)}:{webListen.IPEndPoint!.Port}";
        return new GrpcServer(app, certificate, owned, $"https://{host}:{port}", devFolder, webUrl)
        {
            _proposals = options.Web is not null ? new Policy.ProposalApplier(node) : null,
        };
    }

    private static string Host(IPAddress a) =>
        a.Equals(IPAddress.Any) || a.Equals(IPAddress.IPv6Any) ? "127.0.0.1"
        : a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{a}]" : a.ToString();



    public async ValueTask DisposeAsync()
    {
        if (_proposals is not null) await _proposals.DisposeAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificate.Dispose();
        _provider?.Dispose();
    }
}
