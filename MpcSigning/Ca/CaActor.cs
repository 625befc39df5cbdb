using Akka.Actor;
using MpcSigning.Hosting;
using MpcSigning.Hosting.Cluster;
using Google.Protobuf;
using MpcSigning.Proto.Ca;
using MpcSigning.Proto.Trust;

namespace MpcSigning.Ca;

/// <summary>The CA service: certifies session keys (SessionKeyCertified or SessionKeyRefused) and gives out its certificate.</summary>
public sealed class CaActor : ReceiveActor
{
    /// <param name="policy">The trust policy check the CA runs before it certifies (null: none configured, no binding).</param>
    public CaActor(ICertificateAuthority ca, TimeProvider clock, Policy.CaPolicyCheck? policy = null)
    {
        Receive<CertifySessionKey>(cmd =>
        {
            var reply = CaMessages.Handle(ca, cmd, clock.GetUtcNow(), policy);
            Sender.Tell(reply);
            var outcome = reply is SessionKeyRefused r ? "refused: " + r.Error.Code : "certified";
            Audit.Record("ca", "coordinator", nameof(CertifySessionKey), Convert.ToHexStringLower(cmd.SessionId.Span), outcome, LinkAttestation.Of(Sender));
        });
        Receive<GetTrustMaterial>(cmd =>
        {
            Sender.Tell(new CaTrustMaterial { RequestId = cmd.RequestId, CertificateDer = ByteString.CopyFrom(ca.Certificate.RawData) });
            Audit.Record("ca", "client", nameof(GetTrustMaterial), null, "ok", LinkAttestation.Of(Sender));
        });
    }
}
