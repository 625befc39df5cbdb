using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using MpcSigning.Attestation;
using MpcSigning.Transport;
using MpcSigning.Transport.Remote;
using MpcSigning.Transport.Tls;

namespace MpcSigning.Hosting.Cluster;

/// <summary>
/// The remote transport under Akka.Remote, chosen in this one place for every networked actor system the binary starts
/// (cluster members and CLI clients): the attested mutual-TLS link transport (<see cref="AttestedTransport"/>). Its HOCON
/// (<c>akka.remote.attested-tls</c>, protobuf-only serialization), the <see cref="AttestedLinkSetup"/> it needs on the
/// ActorSystem (this node's in-memory TLS identity issued by the link CA, its name and roles, its attestation provider and
/// the policy it verifies peers with), and the protocol its addresses carry (<c>akka.tcp</c>).
/// </summary>
public static class ClusterTransport
{
    /// <summary>The address protocol: the attested transport keeps Akka's <c>akka.tcp://system@host:port</c> addresses.</summary>
    public const string Protocol = "akka." + AttestedTransport.Scheme;

    /// <param name="Hocon">The akka.remote configuration, including the enabled transport and where it binds.</param>
    /// <param name="Setups">Setups the transport needs on the ActorSystem (the attested link setup).</param>
    /// <param name="Protocol">The address protocol, e.g. <c>akka.tcp</c> in <c>akka.tcp://mpcsign@127.0.0.1:4051</c>.</param>
    public sealed record RemoteTransport(Config Hocon, IReadOnlyList<Setup> Setups, string Protocol)
    {
        /// <summary>The setup of an ActorSystem created directly (not through Akka.Hosting) with this transport.</summary>
        public ActorSystemSetup SystemSetup(Config config) => ActorSystemSetup.Create([BootstrapSetup.Create().WithConfig(config), .. Setups]);
    }

    /// <summary>
    /// The transport for a system that binds <paramref name="hostname"/>:<paramref name="port"/> (0: any free port) with
    /// the attested link identity <paramref name="setup"/>.
    /// </summary>
    public static RemoteTransport Create(string hostname, int port, AttestedLinkSetup setup, TimeSpan? reattestInterval = null) =>
        new(AttestedLinkConfig.Hocon(hostname, port, reattestInterval: reattestInterval), [setup], Protocol);

    /// <summary>
    /// The transport of a node or CLI client started from <paramref name="config"/>: the link CA
    /// (<see cref="LinkCertificateAuthority.Open"/>: LINK_CA_TLS_CERT/LINK_CA_TLS_KEY, or the development CA in
    /// <see cref="ClusterOptions.LinkCaDir"/> when simulated attestation is allowed) issues this start's TLS identity
    /// (a key generated now, in memory), and peers are verified with <paramref name="attestation"/>'s policy.
    /// </summary>
    /// <param name="roles">The cluster roles this system claims on its links (a CLI client: <c>["client"]</c>).</param>
    public static RemoteTransport ForNode(NodeConfig config, ClusterOptions options, DataDirectory data, int port,
        IReadOnlyList<string> roles, NodeAttestation.SelfAttestation attestation, Func<string, string?> env, TimeProvider clock)
    {
        using var ca = LinkCertificateAuthority.Open(env, options.LinkCaDir ?? data.Path, config.AllowSimulatedAttestation);
        var tls = ca.Issue(config.NodeName, clock.GetUtcNow());
        var setup = new AttestedLinkSetup(tls, config.NodeName, roles, attestation.Provider, attestation.Policy, clock);
        return Create(options.Hostname, port, setup, options.ReattestInterval);
    }

    /// <summary>The in-memory TLS identity the transport was given (the owner disposes it when the system has stopped).</summary>
    public static IDisposable? TlsOf(RemoteTransport transport) =>
        transport.Setups.OfType<AttestedLinkSetup>().FirstOrDefault()?.Tls;
}
