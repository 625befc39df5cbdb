using System.Globalization;
using Akka.Configuration;
using Akka.Hosting;
using MpcSigning.Hosting.Akka;

namespace MpcSigning.Transport.Remote;

/// <summary>
/// How a node turns on attested links: the HOCON for <c>akka.remote</c> (this transport only, no DotNetty) plus
/// protobuf-only serialization, and the <see cref="AttestedLinkSetup"/> beside it in the actor system's setup.
/// </summary>
public static class AttestedLinkConfig
{
    /// <summary>The transport's HOCON section under <c>akka.remote</c>.</summary>
    public const string Section = "attested-tls";

    /// <param name="hostname">Interface to listen on (an IP address or a name).</param>
    /// <param name="port">Port to listen on; 0 picks a free one.</param>
    /// <param name="publicHostname">Host in this node's address (what peers dial); default <paramref name="hostname"/>.</param>
    /// <param name="handshakeTimeout">Bound on a whole handshake and on a re-attestation answer (default 5 s).</param>
    /// <param name="reattestInterval">How often each side re-attests the other on a live link (default 10 min).</param>
    public static Config Hocon(string hostname, int port, string? publicHostname = null, TimeSpan? handshakeTimeout = null,
        TimeSpan? reattestInterval = null, int maximumFrameSize = 4 * 1024 * 1024)
    {
        var o = new LinkOptions
        {
            Hostname = hostname, Port = port, PublicHostname = publicHostname ?? hostname,
            HandshakeTimeout = handshakeTimeout ?? TimeSpan.FromSeconds(5),
            ReattestInterval = reattestInterval ?? TimeSpan.FromMinutes(10),
            MaximumFrameSize = maximumFrameSize,
        };
        if (o.Problem() is { } problem) throw new ArgumentException("attested link settings: " + problem);
        string Ms(TimeSpan t) => ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + " ms";
        var hocon = $$"""
            akka.remote {
              enabled-transports = ["akka.remote.{{Section}}"]
              {{Section}} {
                transport-class = "{{typeof(AttestedTransport).FullName}}, {{typeof(AttestedTransport).Assembly.GetName().Name}}"
                applied-adapters = []
                transport-protocol = {{AttestedTransport.Scheme}}
                hostname = "{{o.Hostname}}"
                public-hostname = "{{o.PublicHostname}}"
                port = {{o.Port}}
                handshake-timeout = {{Ms(o.HandshakeTimeout)}}
                reattest-interval = {{Ms(o.ReattestInterval)}}
                maximum-frame-size = {{o.MaximumFrameSize}}b
              }
            }
            {{ProtoOnlySerialization}}
            """;
        return ConfigurationFactory.ParseString(hocon);
    }

    /// <summary>
    /// Every object without a more specific binding goes to <see cref="ProtoSerializer"/>, which refuses anything not
    /// declared in proto/: the JSON (Newtonsoft) fallback and the raw byte-array serializer are off, so only proto/
    /// messages and Akka's own protocol messages (which have their own bindings) cross a link. Strings and integers keep
    /// Akka's primitive serializer: Akka's own protocols carry them (e.g. the singleton proxy's Identify ids).
    /// </summary>
    public static string ProtoOnlySerialization => $$"""
        akka.actor {
          serializers { {{ProtoSerializer.Name}} = "{{typeof(ProtoSerializer).AssemblyQualifiedName}}" }
          serialization-bindings {
            "Google.Protobuf.IMessage, Google.Protobuf" = {{ProtoSerializer.Name}}
            "System.Object" = {{ProtoSerializer.Name}}
            "System.Byte[]" = {{ProtoSerializer.Name}}
          }
        }
        """;

    /// <summary>Akka.Hosting: the HOCON (prepended over the defaults) and the setup.</summary>
    public static AkkaConfigurationBuilder WithAttestedLinks(this AkkaConfigurationBuilder builder, AttestedLinkSetup setup, Config hocon) =>
        builder.AddHocon(hocon, HoconAddMode.Prepend).AddSetup(setup);
}
