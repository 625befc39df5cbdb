using Akka.Actor;
using Google.Protobuf;
using MpcSigning.Hosting;
using MpcSigning.Hosting.Cluster;
using MpcSigning.Proto.Identity;
using MpcSigning.Proto.Policy;
using MpcSigning.Proto.Trust;

namespace MpcSigning.Policy;

/// <summary>
/// On the coordinator member (<c>/user/policy-bootstrap</c>): answers <see cref="InitTrustPolicy"/> by gathering what
/// version 1 pins from the services the coordinator itself signs with (the CA's certificate, the log's key, the identity
/// record of each signer it uses) and handing it to the policy service as a <see cref="BootstrapTrustPolicy"/>, whose
/// answer goes straight back to the asker. The gathering runs as a task whose result is told, never awaited in a receive.
/// </summary>
public sealed class PolicyBootstrapper : ReceiveActor
{
    public PolicyBootstrapper(IActorRef ca, IActorRef tlog, Func<CancellationToken, Task<IReadOnlyList<IActorRef>>> signers,
        IActorRef policyService, TimeSpan timeout)
    {
        Receive<InitTrustPolicy>(m =>
        {
            var asker = Sender;
            Audit.Record("policy", "client", nameof(InitTrustPolicy), null, "gathering", LinkAttestation.Of(asker));
            GatherAsync(m.RequestId, ca, tlog, signers, timeout).ContinueWith(t =>
            {
                if (t.IsCompletedSuccessfully) policyService.Tell(t.Result, asker);
                else asker.Tell(new TrustPolicyRefused
                {
                    RequestId = m.RequestId,
                    Message = "the coordinator could not gather the CA certificate, the log key and the signer identities: " +
                        (t.Exception?.GetBaseException().Message ?? "cancelled"),
                });
            }, TaskScheduler.Default);
        });
    }

    private static async Task<BootstrapTrustPolicy> GatherAsync(string requestId, IActorRef ca, IActorRef tlog,
        Func<CancellationToken, Task<IReadOnlyList<IActorRef>>> signers, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout * 2);
        var caMaterial = await ca.Ask<CaTrustMaterial>(new GetTrustMaterial { RequestId = Guid.NewGuid().ToString("N") }, timeout);
        var logMaterial = await tlog.Ask<LogTrustMaterial>(new GetTrustMaterial { RequestId = Guid.NewGuid().ToString("N") }, timeout);
        var refs = await signers(cts.Token);
        var records = await Task.WhenAll(refs.Select(s => s.Ask<SignerIdentityRecord>(new GetTrustMaterial { RequestId = Guid.NewGuid().ToString("N") }, timeout)));
        var m = new BootstrapTrustPolicy
        {
            RequestId = requestId, CaCertificateDer = caMaterial.CertificateDer, LogPublicKey = logMaterial.PublicKey,
        };
        m.Signers.AddRange(records.Select(r => new PinnedSigner
        {
            Name = r.Name, IdentityPublicKey = r.IdentityPublicKey, AttestationReport = r.AttestationReport,
        }));
        return m;
    }
}
