using System.Collections.Concurrent;
using Akka.Actor;
using MpcSigning.Hosting;

namespace MpcSigning.Transport.Remote;

/// <summary>
/// The actor system's attested links, for the rest of the node: the attestation digest of the link a remote message came
/// over (<see cref="DigestOf"/>, for audit events), the peer's attested identity, and the events (on the EventStream:
/// <see cref="AttestedLinkEstablished"/>, <see cref="AttestedLinkRefused"/>, <see cref="PeerAttestationFailed"/>,
/// <see cref="AttestedLinkReattested"/>, <see cref="AttestedLinkClosed"/>). Every handshake outcome and re-attestation is
/// also an audit event (service "link").
/// </summary>
public sealed class AttestedLinks : IExtension, ILinkEvents
{
    private readonly ExtendedActorSystem _system;

    /// <summary>The newest live link per peer address (a peer may have one link each way).</summary>
    private readonly ConcurrentDictionary<string, AttestedLink> _byPeer = new();

    private readonly ConcurrentDictionary<AttestedLink, byte> _live = new();

    internal AttestedLinks(ExtendedActorSystem system) => _system = system;

    public static AttestedLinks Get(ActorSystem system) => system.WithExtension<AttestedLinks, AttestedLinksProvider>();

    internal AttestedTransport? Transport { get; private set; }

    internal void Attach(AttestedTransport transport) => Transport = transport;

    /// <summary>This node's identity on its links (its address is known once remoting listens).</summary>
    public LinkIdentity? Self => Transport?.Context.Self is { Address.Length: > 0 } self ? self : null;

    /// <summary>
    /// SHA-256 (hex) of the last verified report of the peer at <paramref name="address"/> (its canonical address, as in
    /// <c>Sender.Path.Address</c>), or null when no attested link to it is up. Messages from this system itself carry
    /// <see cref="Audit.LocalLink"/>.
    /// </summary>
    public string? DigestOf(Address address) => Find(address)?.PeerReportDigest;

    /// <summary>The attested identity (name, roles) of the peer at <paramref name="address"/>, or null.</summary>
    public LinkIdentity? PeerAt(Address address) => Find(address)?.Peer;

    /// <summary>The audit digest for a message's sender: local, the link's digest, or "unattested" (none is up).</summary>
    public string AuditDigestFor(IActorRef sender)
    {
        var address = sender.Path.Address;
        if (address.HasLocalScope || address.Equals(_system.Provider.DefaultAddress)) return Audit.LocalLink;
        return DigestOf(address) ?? "unattested";
    }

    /// <summary>Every peer with a live attested link, with its current digest.</summary>
    public IReadOnlyList<(LinkIdentity Peer, string Digest)> Peers =>
        _byPeer.Values.Where(l => !l.IsClosed).Select(l => (l.Peer, l.PeerReportDigest)).ToArray();

    private AttestedLink? Find(Address address) =>
        _byPeer.TryGetValue(AttestedTransport.Canonical(address), out var link) && !link.IsClosed ? link : null;

    void ILinkEvents.Established(AttestedLink link)
    {
        _live[link] = 0;
        _byPeer[link.Peer.Address] = link;
        Audit.Record("link", link.Peer.ToString(), link.Inbound ? "link accepted" : "link dialed", null, "attested", link.PeerReportDigest);
        Publish(new AttestedLinkEstablished(Address.Parse(link.Peer.Address), link.Peer, link.PeerReportDigest, link.Inbound));
    }

    void ILinkEvents.Refused(bool inbound, string remoteEndpoint, string? dialed, LinkRefusedException refusal)
    {
        var who = dialed is null ? remoteEndpoint : $"{dialed} ({remoteEndpoint})";
        Audit.Record("link", who, inbound ? "link accepted" : "link dialed", null, $"refused ({refusal.Code}): {refusal.Message}", "none");
        Serilog.Log.Warning("attested link {Direction} {Peer} refused ({Code}): {Reason}", inbound ? "from" : "to", who, refusal.Code, refusal.Message);
        Publish(new AttestedLinkRefused(remoteEndpoint, dialed is null ? null : Address.Parse(dialed), refusal.Code, refusal.Message, inbound));
    }

    void ILinkEvents.Reattested(AttestedLink link)
    {
        Audit.Record("link", link.Peer.ToString(), "re-attestation", null, "attested", link.PeerReportDigest);
        Publish(new AttestedLinkReattested(Address.Parse(link.Peer.Address), link.PeerReportDigest));
    }

    void ILinkEvents.ReattestFailed(AttestedLink link, LinkRefusedException refusal)
    {
        Audit.Record("link", link.Peer.ToString(), "re-attestation", null, $"failed ({refusal.Code}): {refusal.Message}; link cut", link.PeerReportDigest);
        Serilog.Log.Warning("attested link {Peer} failed re-attestation ({Code}): {Reason}; link cut", link.Peer, refusal.Code, refusal.Message);
        Publish(new PeerAttestationFailed(Address.Parse(link.Peer.Address), link.Peer, refusal.Code, refusal.Message));
    }

    void ILinkEvents.Closed(AttestedLink link, string reason)
    {
        _live.TryRemove(link, out _);
        if (_byPeer.TryRemove(new KeyValuePair<string, AttestedLink>(link.Peer.Address, link)))
        {
            var other = _live.Keys.FirstOrDefault(l => l.Peer.Address == link.Peer.Address && !l.IsClosed);
            if (other is not null) _byPeer.TryAdd(other.Peer.Address, other);
        }
        Publish(new AttestedLinkClosed(Address.Parse(link.Peer.Address), reason));
    }

    private void Publish(object e)
    {
        if (!_system.WhenTerminated.IsCompleted) _system.EventStream.Publish(e);
    }
}

public sealed class AttestedLinksProvider : ExtensionIdProvider<AttestedLinks>
{
    public override AttestedLinks CreateExtension(ExtendedActorSystem system) => new(system);
}
