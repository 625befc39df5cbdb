using Akka.Actor;
using MpcSigning.Transport;

namespace MpcSigning.Hosting.Cluster;

/// <summary>
/// Downs the member whose attested link failed re-attestation: the transport publishes
/// <see cref="PeerAttestationFailed"/> on the EventStream (the peer had proved itself on that very TLS session, so the
/// event names it reliably). <see cref="AttestedLinkRefused"/> is never a reason to down anyone: whoever connected proved
/// nothing, and downing on it would let a stranger take an honest member out.
/// </summary>
public sealed class PeerDowning : ReceiveActor
{
    public PeerDowning()
    {
        Receive<PeerAttestationFailed>(failed =>
        {
            var cluster = global::Akka.Cluster.Cluster.Get(Context.System);
            var member = cluster.State.Members.FirstOrDefault(m => m.Address.Equals(failed.Peer));
            if (member is null || failed.Peer.Equals(cluster.SelfAddress))
            {
                Audit.Record("cluster", failed.Peer.ToString(), nameof(PeerAttestationFailed), null,
                    "not a member to down: " + failed.Reason, LinkAttestation.Unattested);
                return;
            }
            cluster.Down(failed.Peer);
            Audit.Record("cluster", failed.Peer.ToString(), nameof(PeerAttestationFailed), null,
                $"downed ({failed.Code}): {failed.Reason}", LinkAttestation.Unattested);
        });
    }

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(PeerAttestationFailed));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);
}
