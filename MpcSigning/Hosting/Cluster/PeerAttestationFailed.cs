using Akka.Actor;
using Akka.Event;

namespace MpcSigning.Hosting.Cluster;

/// <summary>
/// Published on the ActorSystem's EventStream by the link transport when a peer's attestation fails (at the handshake or
/// at a re-attestation): <see cref="PeerDowning"/> downs that member, so the cluster stops placing work on it.
/// </summary>
/// <param name="Address">The peer node's Akka address.</param>
/// <param name="Reason">Why it failed, one line (written to the audit trail).</param>
public sealed record PeerAttestationFailed(Address Address, string Reason);

/// <summary>Subscribes to <see cref="PeerAttestationFailed"/> and downs the member at that address.</summary>
public sealed class PeerDowning : ReceiveActor
{
    public PeerDowning()
    {
        Receive<PeerAttestationFailed>(failed =>
        {
            var cluster = global::Akka.Cluster.Cluster.Get(Context.System);
            var member = cluster.State.Members.FirstOrDefault(m => m.Address.Equals(failed.Address));
            if (member is null || failed.Address.Equals(cluster.SelfAddress))
            {
                Audit.Record("cluster", failed.Address.ToString(), nameof(PeerAttestationFailed), null,
                    "not a member to down: " + failed.Reason, LinkAttestation.Unattested);
                return;
            }
            cluster.Down(failed.Address);
            Audit.Record("cluster", failed.Address.ToString(), nameof(PeerAttestationFailed), null, "downed: " + failed.Reason,
                LinkAttestation.Unattested);
        });
    }

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(PeerAttestationFailed));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);
}
