using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using MpcSigning.AuthN.Software;
using MpcSigning.Hosting;
using MpcSigning.Hosting.Grpc;
using MpcSigning.Proto.AuthN;
using MpcSigning.Tests.Support;
using MpcSigning.Web;

namespace MpcSigning.Tests.Web;

/// <summary>
/// A node (<see cref="TestNode"/>) with its Kestrel host serving the approval page on https://localhost:PORT (127.0.0.1,
/// a port found free just before), relying party id <c>localhost</c> and that origin, so a browser can run WebAuthn on it.
/// </summary>
internal sealed class WebNode : IAsyncDisposable
{
    private WebNode(TestNode node, GrpcServer server, int port)
    {
        Node = node;
        Server = server;
        Port = port;
    }

    public TestNode Node { get; }
    public GrpcServer Server { get; }
    public int Port { get; }
    public string Origin => $"https://localhost:{Port}";

    /// <summary>The node's TLS certificate (development, self-signed CA), which tests trust explicitly.</summary>
    public X509Certificate2 Certificate => X509CertificateLoader.LoadCertificateFromFile(Path.Combine(Node.Dir.Path, GrpcTls.DevFolder, GrpcTls.NodeCertFile));

    /// <summary>Base64 SHA-256 of the server certificate's SubjectPublicKeyInfo (Chrome's --ignore-certificate-errors-spki-list).</summary>
    public string SpkiSha256Base64 => Convert.ToBase64String(SHA256.HashData(Certificate.PublicKey.ExportSubjectPublicKeyInfo()));

    public static async Task<WebNode> StartAsync(bool requireUserVerification = true)
    {
        var port = FreePort();
        var origin = $"https://localhost:{port}";
        var config = TestNode.Config(("MPCSIGN_RP_ID", "localhost"), ("MPCSIGN_RP_ORIGIN", origin),
            ("MPCSIGN_WEBAUTHN_REQUIRE_USER_VERIFICATION", requireUserVerification ? "true" : "false"));
        var node = await TestNode.StartAsync(config);
        try
        {
            var server = await GrpcServer.StartAsync(node.Host,
                new GrpcOptions(IPAddress.Loopback, 0, null, null, null) { Web = new WebOptions(IPAddress.Loopback, port) });
            return new WebNode(node, server, port);
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>An HTTP client of the page that trusts exactly the node's certificate and sends the page's Origin on POSTs.</summary>
    public HttpClient Http(bool sendOrigin = true)
    {
        var pinned = Certificate.GetPublicKey();
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.GetPublicKey().AsSpan().SequenceEqual(pinned),
            AllowAutoRedirect = false,
        };
        var client = new HttpClient(handler) { BaseAddress = new Uri(Origin), Timeout = TimeSpan.FromSeconds(60) };
        if (sendOrigin) client.DefaultRequestHeaders.Add("Origin", Origin);
        return client;
    }

    public async Task<string> InviteAsync(string name, string email, Role role, TimeSpan? lifetime = null) =>
        (await Node.Host.Client.CreateInvitationAsync(name, email, role, lifetime ?? TimeSpan.FromHours(24))).Token;

    /// <summary>A browser's credential.toJSON() of a get() result, made by a software authenticator.</summary>
    public static string AssertionJson(SoftwareAuthenticator a, byte[] challenge, MpcSigning.AuthN.WebAuthn.RelyingParty rp,
        Fido2NetLib.Objects.AuthenticatorFlags flags = SoftwareAuthenticator.Flags)
    {
        var s = a.GetAssertion(challenge, rp, flags);
        var id = Base64Url.EncodeToString(s.CredentialId.Span);
        return new JsonObject
        {
            ["id"] = id, ["rawId"] = id, ["type"] = "public-key", ["clientExtensionResults"] = new JsonObject(),
            ["response"] = new JsonObject
            {
                ["authenticatorData"] = Base64Url.EncodeToString(s.AuthenticatorData.Span), ["clientDataJSON"] = Base64Url.EncodeToString(s.ClientDataJson.Span),
                ["signature"] = Base64Url.EncodeToString(s.Signature.Span), ["userHandle"] = Base64Url.EncodeToString(s.UserHandle.Span),
            },
        }.ToJsonString();
    }

    private bool _stopped;

    /// <summary>Stops the web page and the node but keeps its data directory (for commands that need the directory's lock).</summary>
    public async Task StopNodeAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await Server.DisposeAsync();
        await Node.Host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopped)
        {
            Node.Dir.Dispose();
            return;
        }
        await Server.DisposeAsync();
        await Node.DisposeAsync();
    }
}
