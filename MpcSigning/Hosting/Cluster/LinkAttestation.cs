using Akka.Actor;

namespace MpcSigning.Hosting.Cluster;

/// <summary>
/// The attestation digest of the link a message came over, for the audit trail: every service passes
/// <see cref="Of"/>(Sender) to <see cref="Audit.Record"/>. A sender in this process came over no link
/// (<see cref="Audit.LocalLink"/>); a remote sender came over the link to its node, whose digest <see cref="Lookup"/>
/// gives: a cluster member sets it at start to its attested links' table (<c>AttestedLinks.AuditDigestFor</c>: the SHA-256
/// of the peer's last verified report, or "unattested" when no attested link to that address is up).
/// </summary>
public static class LinkAttestation
{
    /// <summary>Digest before any transport set <see cref="Lookup"/> (a peer that proved nothing).</summary>
    public const string Unattested = "none";

    private static Func<Address, string> _lookup = _ => Unattested;

    /// <summary>Address of a remote node to the digest of its link's attestation. Set once at start by the transport.</summary>
    public static Func<Address, string> Lookup
    {
        get => _lookup;
        set => _lookup = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The digest of the link <paramref name="sender"/>'s messages arrive over.</summary>
    public static string Of(IActorRef? sender)
    {
        if (sender is null || sender.IsNobody()) return Audit.LocalLink;
        var address = sender.Path.Address;
        return address.HasLocalScope ? Audit.LocalLink : Lookup(address);
    }
}
