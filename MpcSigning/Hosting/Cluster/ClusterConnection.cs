using System.Collections.Immutable;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Cluster.Tools.Client;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using Akka.Logger.Serilog;
using MpcSigning.AuthN.WebAuthn;
using System.Security.Cryptography.X509Certificates;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Proto.Policy;
using MpcSigning.Proto.Trust;
using MpcSigning.TLog;
using MpcSigning.TLog.Checkpoints;

namespace MpcSigning.Hosting.Cluster;

/// <summary>
/// The CLI as a client of a running cluster: a small actor system with remoting only (never a cluster member, so a
/// client that is killed never leaves an unreachable member behind) and Akka's ClusterClient, which contacts the
/// receptionist of one of the configured seed nodes and sends each request to the service at <c>/user/NAME</c> there (the
/// proxy that finds the singleton). Replies come back through the receptionist. Completed bundles are saved under the
/// client's data directory.
/// </summary>
public sealed class ClusterConnection : INodeAccess
{
    private readonly ActorSystem _system;
    private readonly DataDirectory _data;
    private readonly NodeConfig _config;
    private readonly IActorRef _ca;
    private readonly IActorRef _tlog;
    private IActorRef _policy = ActorRefs.Nobody;
    private IActorRef _policyBootstrap = ActorRefs.Nobody;
    private List<IDisposable> _owned = [];

    private ClusterConnection(ActorSystem system, NodeConfig config, DataDirectory data, IActorRef coordinator, IActorRef authn, IActorRef ca, IActorRef tlog)
    {
        _system = system;
        _config = config;
        _data = data;
        _ca = ca;
        _tlog = tlog;
        Client = new NodeClient(coordinator, authn, tlog, config.Coordinator.ServiceTimeout);
        RelyingParty = new RelyingParty(config.RelyingPartyId, [config.RelyingPartyOrigin]);
    }

    public NodeClient Client { get; }

    public RelyingParty RelyingParty { get; }

    /// <summary>The cluster role a CLI client claims on its attested links (it is never a member).</summary>
    public const string ClientRole = "client";

    /// <summary>
    /// Connects over the attested link transport: like a member, the client attests itself (its configured provider; the
    /// shared simulated root in development) and presents that report, bound to its fresh TLS key, on every link.
    /// </summary>
    public static async Task<ClusterConnection> ConnectAsync(NodeConfig config, DataDirectory data)
    {
        var options = config.Cluster ?? throw new ConfigException("Cluster", "a cluster client needs the Cluster section's SeedNodes");
        var clock = TimeProvider.System;
        var attestation = await NodeAttestation.AttestSelfAsync(config, data, clock);
        var transport = ClusterTransport.ForNode(config, options, data, 0, [ClientRole], attestation, Environment.GetEnvironmentVariable, clock);
        List<IDisposable> owned = [];
        if (attestation.Provider is IDisposable provider) owned.Add(provider);
        if (ClusterTransport.TlsOf(transport) is { } tls) owned.Add(tls);
        var hocon = ClusterAkkaConfig.Client(transport)
            .WithFallback(ConfigurationFactory.ParseString($$"""
                akka {
                  # a CLI user sees one line per failure (the command's), not Akka's association warnings
                  loglevel = ERROR
                  stdout-loglevel = OFF
                  loggers = ["{{typeof(SerilogLogger).AssemblyQualifiedName}}"]
                  log-dead-letters = off
                  log-dead-letters-during-shutdown = off
                }
                """))
            .WithFallback(ClusterClientReceptionist.DefaultConfig())
            .WithFallback(DistributedPubSub.DefaultConfig()); // the binding of the envelope the receptionist reads
        var system = ActorSystem.Create(ClusterOptions.SystemName + "-client", transport.SystemSetup(hocon));
        var contacts = options.SeedNodes
            .Select(s => ActorPath.Parse(ClusterAkkaConfig.SeedAddress(transport.Protocol, s.Host, s.Port) + "/system/receptionist"))
            .ToImmutableHashSet();
        var cluster = system.ActorOf(ClusterClient.Props(ClusterClientSettings.Create(system).WithInitialContacts(contacts)), "cluster-client");
        IActorRef Service(string name) => system.ActorOf(Props.Create(() => new Forwarder(cluster, "/user/" + name)), name);
        return new ClusterConnection(system, config, data, Service("coordinator"), Service("authn"), Service("ca"), Service("tlog"))
        {
            _owned = owned, _policy = Service(ClusterNode.PolicyService), _policyBootstrap = Service(ClusterNode.PolicyBootstrapName),
        };
    }

    public string BundleFile(SessionStatus status) => ClientBundles.Save(_data, status);

    public async Task<byte[]> TrustedRootJsonAsync()
    {
        var (caDer, identity, signers) = await TrustMaterialAsync();
        using var certificate = X509CertificateLoader.LoadCertificate(caDer);
        return Cli.TrustMaterial.TrustedRootJson(certificate, _config.CaIssuer, identity, signers, await TrustPolicyAsync());
    }

    /// <summary>The CA certificate, the log's identity and the signer members' identity records, each asked of its service.</summary>
    private async Task<(byte[] CaDer, LogIdentity Log, IReadOnlyList<Proto.Identity.SignerIdentityRecord> Signers)> TrustMaterialAsync()
    {
        var timeout = _config.Coordinator.ServiceTimeout;
        var ca = await _ca.Ask<CaTrustMaterial>(new GetTrustMaterial { RequestId = Guid.NewGuid().ToString("N") }, timeout);
        var log = await _tlog.Ask<LogTrustMaterial>(new GetTrustMaterial { RequestId = Guid.NewGuid().ToString("N") }, timeout);
        var key = log.PublicKey.ToByteArray();
        var spki = LogKey.SpkiOf(key);
        var identity = new LogIdentity(log.Origin, log.KeyName, log.BaseUrl, key, spki, Crypto.Hashes.Sha256(spki));
        return (ca.CertificateDer.ToByteArray(), identity, await SignerIdentitiesAsync(timeout));
    }

    /// <summary>The cluster's trust policy chain, from its policy service (null: the cluster has none, 'mpcsign policy init' was never run).</summary>
    public async Task<TrustPolicyChain?> TrustPolicyAsync()
    {
        var chain = await PolicyAskAsync(new GetTrustPolicy { RequestId = Guid.NewGuid().ToString("N") });
        return chain.Versions.Count == 0 ? null : chain;
    }

    /// <summary>
    /// Makes version 1 of the cluster's trust policy ('mpcsign policy init'): asks the coordinator member, which gathers
    /// the CA certificate, the log key and its signers' attested identities and hands them to the policy service; that
    /// adds the enrolled participants and the configured rule as a single node's bootstrap does. Returns the chain
    /// (unchanged when version 1 existed).
    /// </summary>
    public async Task<(TrustPolicyChain Chain, bool Created)> InitTrustPolicyAsync()
    {
        if (await TrustPolicyAsync() is { } existing) return (existing, false);
        return (await PolicyAskAsync(new InitTrustPolicy { RequestId = Guid.NewGuid().ToString("N") }, _policyBootstrap), true);
    }

    /// <summary>Appends a version its stewards approved ('mpcsign policy apply'); the policy service checks the step.</summary>
    public Task<TrustPolicyChain> AppendTrustPolicyAsync(SignedTrustPolicy next) =>
        PolicyAskAsync(new AppendTrustPolicy { RequestId = Guid.NewGuid().ToString("N"), Version = next });

    private async Task<TrustPolicyChain> PolicyAskAsync(object request, IActorRef? to = null)
    {
        try
        {
            // a bootstrap waits for the coordinator's own asks (CA, log, signers) and then the policy service
            return await (to ?? _policy).Ask<object>(request, _config.Coordinator.ServiceTimeout * (to is null ? 1 : 4)) switch
            {
                TrustPolicyState s => s.Chain ?? new TrustPolicyChain(),
                TrustPolicyRefused r => throw new Policy.PolicyException("the cluster's policy service refused: " + r.Message),
                var other => throw new InvalidOperationException($"the policy service answered with {other.GetType().Name}"),
            };
        }
        catch (AskTimeoutException)
        {
            throw new Policy.PolicyException($"the cluster's policy service (a singleton on the authn member) did not answer within " +
                $"{_config.Coordinator.ServiceTimeout.TotalSeconds:0}s; is the authn member up?");
        }
    }

    /// <summary>The identity record of every signer member that answers within <paramref name="timeout"/> (n at most).</summary>
    private async Task<IReadOnlyList<Proto.Identity.SignerIdentityRecord>> SignerIdentitiesAsync(TimeSpan timeout)
    {
        var inbox = Inbox.Create(_system);
        var client = await _system.ActorSelection("/user/cluster-client").ResolveOne(timeout);
        client.Tell(new ClusterClient.SendToAll("/user/" + ClusterSigners.ActorName, new GetTrustMaterial { RequestId = Guid.NewGuid().ToString("N") }), inbox.Receiver);
        var found = new Dictionary<string, Proto.Identity.SignerIdentityRecord>();
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (found.Count < _config.Signers && DateTimeOffset.UtcNow < deadline)
        {
            try
            {
                if (await inbox.ReceiveAsync(deadline - DateTimeOffset.UtcNow) is Proto.Identity.SignerIdentityRecord r) found[r.Name] = r;
            }
            catch (TimeoutException)
            {
                break;
            }
        }
        return found.Values.OrderBy(r => r.Name, StringComparer.Ordinal).ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _system.Terminate();
        foreach (var d in _owned) d.Dispose();
    }

    /// <summary>Sends what it receives to the cluster's service at <paramref name="path"/>, keeping the original sender.</summary>
    private sealed class Forwarder : ReceiveActor
    {
        public Forwarder(IActorRef cluster, string path) =>
            ReceiveAny(m => cluster.Forward(new ClusterClient.Send(path, m, localAffinity: true)));
    }
}
