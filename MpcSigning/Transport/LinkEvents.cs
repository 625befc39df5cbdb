using Akka.Actor;

namespace MpcSigning.Transport;

/// <summary>Published on the EventStream when a link's handshake succeeded: the peer proved its measured code.</summary>
/// <param name="ReportDigest">SHA-256 (hex) of the peer's verified report: the link's attestation digest for audit events.</param>
public sealed record AttestedLinkEstablished(Address Peer, LinkIdentity Identity, string ReportDigest, bool Inbound);

/// <summary>
/// Published when a connection was refused before anything was delivered. <paramref name="Dialed"/> is the address this
/// node dialed (outbound only); an inbound peer's claims are not trusted, so none is named. Not a reason to down anyone:
/// whoever connected proved nothing.
/// </summary>
public sealed record AttestedLinkRefused(string RemoteEndpoint, Address? Dialed, LinkError Code, string Reason, bool Inbound);

/// <summary>
/// Published when a live, attested link's re-attestation failed (a fresh report that does not verify, or no answer in
/// time): the link was cut. The peer had proved itself on this very TLS session, so this names it reliably: down it.
/// </summary>
public sealed record PeerAttestationFailed(Address Peer, LinkIdentity Identity, LinkError Code, string Reason);

/// <summary>Published when a live link's peer answered a re-attestation with a report that verifies.</summary>
public sealed record AttestedLinkReattested(Address Peer, string ReportDigest);

/// <summary>Published when an established link closed (either side, any reason).</summary>
public sealed record AttestedLinkClosed(Address Peer, string Reason);
