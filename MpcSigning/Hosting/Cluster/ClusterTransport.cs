using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;

namespace MpcSigning.Hosting.Cluster;

/// <summary>
/// The remote transport under Akka.Remote, chosen in this one place for every networked actor system the binary starts
/// (cluster members and CLI clients): its HOCON (<c>akka.remote.*</c>), any <see cref="Setup"/> it needs added to the
/// ActorSystem, and the protocol its addresses carry (seed-node and contact addresses are built from it).
/// Today: Akka.Remote's DotNetty TCP, unencrypted, which is only for 127.0.0.1 and development. The attested mutual-TLS
/// transport replaces the body of <see cref="Create"/>: its HOCON fragment (<c>transport-class</c>) and its Setup.
/// </summary>
public static class ClusterTransport
{
    /// <param name="Hocon">The akka.remote configuration, including the enabled transport and where it binds.</param>
    /// <param name="Setups">Setups the transport needs on the ActorSystem (none for plain TCP).</param>
    /// <param name="Protocol">The address protocol, e.g. <c>akka.tcp</c> in <c>akka.tcp://mpcsign@127.0.0.1:4051</c>.</param>
    public sealed record RemoteTransport(Config Hocon, IReadOnlyList<Setup> Setups, string Protocol)
    {
        /// <summary>The setup of an ActorSystem created directly (not through Akka.Hosting) with this transport.</summary>
        public ActorSystemSetup SystemSetup(Config config) => ActorSystemSetup.Create([BootstrapSetup.Create().WithConfig(config), .. Setups]);
    }

    /// <summary>The transport for a system that binds <paramref name="hostname"/>:<paramref name="port"/> (0: any free port).</summary>
    public static RemoteTransport Create(string hostname, int port)
    {
        var hocon = $$"""
            akka.remote {
              enabled-transports = ["akka.remote.dot-netty.tcp"]
              dot-netty.tcp {
                hostname = "{{hostname}}"
                port = {{port}}
                # bounded frames: the largest message (a session status with its bundle) stays far below this
                maximum-frame-size = 1048576b
                send-buffer-size = 1048576b
                receive-buffer-size = 1048576b
              }
            }
            """;
        return new RemoteTransport(ConfigurationFactory.ParseString(hocon), [], "akka.tcp");
    }
}
