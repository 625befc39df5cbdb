using Akka.Actor;
using MpcSigning.Hosting;
using MpcSigning.Hosting.Cluster;
using MpcSigning.Proto.Ca;

namespace MpcSigning.Ca;

/// <summary>The CA service: certifies session keys. Replies SessionKeyCertified or SessionKeyRefused.</summary>
public sealed class CaActor : ReceiveActor
{
    public CaActor(ICertificateAuthority ca, TimeProvider clock)
    {
        Receive<CertifySessionKey>(cmd =>
        {
            var reply = CaMessages.Handle(ca, cmd, clock.GetUtcNow());
            Sender.Tell(reply);
            var outcome = reply is SessionKeyRefused r ? "refused: " + r.Error.Code : "certified";
            Audit.Record("ca", "coordinator", nameof(CertifySessionKey), Convert.ToHexStringLower(cmd.SessionId.Span), outcome, LinkAttestation.Of(Sender));
        });
    }
}
