using System.Net;
using Microsoft.Extensions.Configuration;
using MpcSigning.Hosting;
using MpcSigning.Hosting.Grpc;

namespace MpcSigning.Web;

/// <summary>
/// The approval web page's endpoint: <c>Web:Listen</c> / MPCSIGN_WEB_LISTEN (IP:PORT; port 0 picks a free one). Unset:
/// no web page. HTTPS with the node's server certificate, no client certificate (a browser has none), HTTP/1.1 and 2.
/// The page's origin must be the relying party's (MPCSIGN_RP_ORIGIN), e.g. https://localhost:8443.
/// </summary>
public sealed record WebOptions(IPAddress Address, int Port)
{
    public const string ListenVariable = "MPCSIGN_WEB_LISTEN", ListenKey = "Web:Listen";

    public static WebOptions? Load(NodeConfig config, Func<string, string?> env)
    {
        IConfiguration c = File.Exists(config.SourceFile)
            ? new ConfigurationBuilder().AddJsonFile(config.SourceFile, optional: true).Build()
            : new ConfigurationBuilder().Build();
        var (name, value) = env(ListenVariable) is { Length: > 0 } e ? (ListenVariable, e) : (ListenKey, c[ListenKey]);
        if (string.IsNullOrWhiteSpace(value)) return null;
        var (address, port) = GrpcOptions.ParseListen(name, value.Trim());
        return new WebOptions(address, port);
    }
}
