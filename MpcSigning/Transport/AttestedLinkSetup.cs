using Akka.Actor.Setup;
using MpcSigning.Attestation;
using MpcSigning.Transport.Tls;

namespace MpcSigning.Transport;

/// <summary>
/// What the attested transport needs that HOCON cannot carry, passed in the ActorSystemSetup (Akka.Hosting:
/// <c>builder.AddSetup(setup)</c>): the node's in-memory TLS identity and trusted link CA, its name and cluster roles,
/// its attestation provider and the policy it verifies peers with.
/// </summary>
public sealed class AttestedLinkSetup : Setup
{
    /// <param name="acceptPeer">
    /// Optional deployment rule run after a peer's report verified: returns why the peer's identity is refused, or null.
    /// </param>
    public AttestedLinkSetup(LinkTlsIdentity tls, string nodeName, IReadOnlyList<string> roles, IAttestationProvider provider,
        AttestationPolicy policy, TimeProvider? clock = null, Func<LinkIdentity, string?>? acceptPeer = null)
    {
        Tls = tls;
        NodeName = nodeName;
        Roles = roles.ToArray();
        Provider = provider;
        Policy = policy;
        Clock = clock ?? TimeProvider.System;
        AcceptPeer = acceptPeer;
        if (new LinkIdentity(nodeName, Roles, "akka.tcp://mpcsign@127.0.0.1:1").Problem() is { } problem)
            throw new ArgumentException("attested link identity: " + problem, nameof(nodeName));
    }

    public LinkTlsIdentity Tls { get; }

    public string NodeName { get; }

    public IReadOnlyList<string> Roles { get; }

    public IAttestationProvider Provider { get; }

    public AttestationPolicy Policy { get; }

    public TimeProvider Clock { get; }

    public Func<LinkIdentity, string?>? AcceptPeer { get; }
}
