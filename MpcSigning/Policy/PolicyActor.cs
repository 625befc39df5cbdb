using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using MpcSigning.AuthN.Registry;
using MpcSigning.Hosting;
using MpcSigning.Hosting.Cluster;
using MpcSigning.Proto.Policy;

namespace MpcSigning.Policy;

/// <summary>
/// A cluster's policy service: the singleton "policy" on the authn members, holding the <see cref="PolicyStore"/> of the
/// authn member's data directory (the same store the <see cref="PolicyGatedRegistry"/> beside it reads). It answers
/// <see cref="GetTrustPolicy"/> with the chain, makes version 1 from a <see cref="BootstrapTrustPolicy"/> exactly as a
/// single node's bootstrap does (<see cref="PolicyStore.MakeV1"/>: the enrolled participants, the configured rule, t-of-n,
/// relying party and measurement, plus the CA certificate, log key and signer identities the message carries), appends
/// versions their stewards approved, and announces every change on the "trust-policy" topic. Only local file work
/// happens in a receive: it never waits for another actor.
/// </summary>
public sealed class PolicyActor : ReceiveActor
{
    /// <summary>The distributed pub-sub topic a <see cref="TrustPolicyChanged"/> is published on.</summary>
    public const string Topic = "trust-policy";

    public PolicyActor(PolicyStore store, IParticipantRegistry enrolled, NodeConfig config, byte[] measurement, TimeProvider clock,
        Action<TrustPolicyChanged>? announce = null)
    {
        announce ??= changed => DistributedPubSub.Get(Context.System).Mediator.Tell(new Publish(Topic, changed));
        Receive<GetTrustPolicy>(m => Sender.Tell(State(m.RequestId, store)));
        Receive<BootstrapTrustPolicy>(m =>
        {
            try
            {
                CheckBootstrap(m, config);
                var (policy, created) = store.Bootstrap(() => PolicyStore.MakeV1(enrolled.List(), config, m.CaCertificateDer.ToByteArray(),
                    m.LogPublicKey.ToByteArray(), measurement, clock.GetUtcNow().ToUnixTimeMilliseconds(), m.Signers));
                if (created)
                {
                    Serilog.Log.Warning("trust policy v1 created in {File}: {Participants} participants; pin its fingerprint {Fingerprint}",
                        store.FilePath, policy.Participants.Count, PolicyDigest.Fingerprint(policy));
                    announce(new TrustPolicyChanged { Version = policy.Version });
                }
                Sender.Tell(State(m.RequestId, store));
                Audit.Record("policy", "client", nameof(BootstrapTrustPolicy), null, created ? "created v1" : "exists", LinkAttestation.Of(Sender));
            }
            catch (PolicyException e)
            {
                Refuse(m.RequestId, nameof(BootstrapTrustPolicy), e.Message);
            }
        });
        Receive<AppendTrustPolicy>(m =>
        {
            try
            {
                if (m.Version?.Policy is null) throw new PolicyException("the change carries no policy version");
                store.Append(m.Version);
                announce(new TrustPolicyChanged { Version = m.Version.Policy.Version });
                Sender.Tell(State(m.RequestId, store));
                Audit.Record("policy", "client", nameof(AppendTrustPolicy), null, $"appended v{m.Version.Policy.Version}", LinkAttestation.Of(Sender));
            }
            catch (PolicyException e)
            {
                Refuse(m.RequestId, nameof(AppendTrustPolicy), e.Message);
            }
        });
    }

    private void Refuse(string requestId, string what, string message)
    {
        Sender.Tell(new TrustPolicyRefused { RequestId = requestId, Message = message });
        Audit.Record("policy", "client", what, null, "refused: " + message, LinkAttestation.Of(Sender));
    }

    private static TrustPolicyState State(string requestId, PolicyStore store) =>
        new() { RequestId = requestId, Chain = store.Load() ?? new TrustPolicyChain() };

    /// <summary>What a bootstrap must carry: a CA certificate that parses, a 32-byte log key, one identity per configured signer.</summary>
    private static void CheckBootstrap(BootstrapTrustPolicy m, NodeConfig config)
    {
        try
        {
            using var _ = X509CertificateLoader.LoadCertificate(m.CaCertificateDer.Span);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            throw new PolicyException("the bootstrap's CA certificate is not a DER X.509 certificate");
        }
        if (m.LogPublicKey.Length != 32) throw new PolicyException("the bootstrap's log key is not a 32-byte Ed25519 key");
        var names = m.Signers.Select(s => s.Name).Distinct(StringComparer.Ordinal).Count();
        if (m.Signers.Count != config.Signers || names != config.Signers)
            throw new PolicyException($"the bootstrap names {m.Signers.Count} signer identit{(m.Signers.Count == 1 ? "y" : "ies")}, " +
                $"but the cluster has {config.Signers} signers: every signer member must be up and answer before 'mpcsign policy init'");
    }
}
