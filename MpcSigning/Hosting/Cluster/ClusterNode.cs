using Akka.Actor;
using Akka.Cluster.Tools.Client;
using Akka.Cluster.Tools.Singleton;
using Akka.Hosting;
using Akka.Logger.Serilog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MpcSigning.AuthN;
using MpcSigning.AuthN.Registry.Sqlite;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Ca;
using MpcSigning.Ca.File;
using MpcSigning.Signing.Identity;
using MpcSigning.Coordinator;
using MpcSigning.Coordinator.Pipeline;
using MpcSigning.Hosting.Akka;
using MpcSigning.Policy;
using MpcSigning.Signing;
using MpcSigning.Signing.Threshold;
using MpcSigning.Storage;
using MpcSigning.Storage.Sqlite;
using MpcSigning.TLog;
using MpcSigning.TLog.Sequencer;
using MpcSigning.TLog.Storage.Sqlite;
using MpcSigning.Transport.Remote;

namespace MpcSigning.Hosting.Cluster;

/// <summary>
/// One member of an mpcsign cluster (<c>mpcsign node</c>): the roles its configuration names, on its own data directory.
/// The CA, the log, AuthN (the one participant registry) and the coordinator (its session journal) each run as a cluster
/// singleton on the members with their role, reached everywhere through a proxy at <c>/user/NAME</c>; each signer member
/// hosts one FROST signer at <c>/user/signer</c>. Every member runs a receptionist through which CLI clients reach the
/// coordinator, AuthN and the log (<see cref="ClusterConnection"/>). Stopping it (dispose) runs Akka's coordinated
/// shutdown: it hands its singletons over, leaves the cluster, and stops.
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    /// <summary>The singleton services, each on the members with the role of the same name.</summary>
    public static readonly string[] SingletonServices = ["authn", "ca", "tlog", "coordinator"];

    /// <summary>The services a client may reach through the receptionist (paths <c>/user/NAME</c>).</summary>
    public static readonly string[] ClientServices = ["coordinator", "authn", "tlog", "ca", PolicyService];

    /// <summary>The trust policy service: a singleton on the authn members (it gates their registry), proxy /user/policy.</summary>
    public const string PolicyService = "policy";

    /// <summary>The coordinator member's actor that makes version 1 ('mpcsign policy init'): /user/policy-bootstrap.</summary>
    public const string PolicyBootstrapName = "policy-bootstrap";

    /// <summary>How often a member's cached trust policy is refreshed besides the change notifications.</summary>
    public static readonly TimeSpan PolicyRefresh = TimeSpan.FromSeconds(30);

    private readonly IHost _host;
    private readonly List<IDisposable> _owned;
    private readonly List<IAsyncDisposable> _ownedAsync;
    private IDisposable? _dataLock;

    private ClusterNode(IHost host, ActorSystem system, NodeConfig config, List<IDisposable> owned, List<IAsyncDisposable> ownedAsync)
    {
        _host = host;
        System = system;
        Config = config;
        _owned = owned;
        _ownedAsync = ownedAsync;
    }

    public ActorSystem System { get; }

    public NodeConfig Config { get; }

    public Address SelfAddress => global::Akka.Cluster.Cluster.Get(System).SelfAddress;

    /// <summary>Completes when this member is Up in the cluster.</summary>
    public Task WhenUp => _up.Task;

    private readonly TaskCompletionSource _up = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<ClusterNode> StartAsync(NodeConfig config, DataDirectory data, TimeProvider clock)
    {
        var options = config.Cluster ?? throw new ConfigException("Cluster",
            "'mpcsign node' runs one member of a cluster and needs a Cluster section (Hostname, Port, SeedNodes); see config/cluster/");
        using var dataLock = new DisposeUnlessKept(await data.LockAsync(config.LockWait, Console.Error));
        var owned = new List<IDisposable>();
        var ownedAsync = new List<IAsyncDisposable>();
        try
        {
            var node = await StartCoreAsync(config, options, data, clock, owned, ownedAsync);
            node._dataLock = dataLock.Keep();
            return node;
        }
        catch
        {
            foreach (var d in ownedAsync) await d.DisposeAsync();
            foreach (var d in owned) d.Dispose();
            throw;
        }
    }

    private static async Task<ClusterNode> StartCoreAsync(NodeConfig config, ClusterOptions options, DataDirectory data, TimeProvider clock,
        List<IDisposable> owned, List<IAsyncDisposable> ownedAsync)
    {
        bool Has(string role) => config.Roles.Contains(role);
        var attestation = await NodeAttestation.AttestSelfAsync(config, data, clock);
        if (attestation.Provider is IDisposable ownedProvider) owned.Add(ownedProvider);
        var sealer = NodeSealing.For(config, data, attestation);
        // a signer member's attested identity: it signs its verifying share at the end of every DKG
        SignerIdentity? identity = null;
        if (Has("signer"))
        {
            identity = await SignerIdentity.OpenAsync(data, config.NodeName, sealer, attestation.Provider, CancellationToken.None);
            owned.Add(identity);
        }
        var rp = new RelyingParty(config.RelyingPartyId, [config.RelyingPartyOrigin], config.WebAuthn.RequireUserVerification);
        var timeout = config.Coordinator.ServiceTimeout;
        var stores = NodeStores.Open(config.Storage, data, database: Has("authn") || Has("tlog"), journal: Has("coordinator"));
        owned.Add(stores);
        var journal = Has("coordinator") ? stores : null;
        var enrolled = Has("authn") ? stores.OpenRegistry(clock) : null;
        // the authn member keeps the trust policy beside the registry it gates (as a single node does)
        var policyStore = Has("authn") ? new PolicyStore(data.Path) : null;
        var registry = enrolled is null ? null : new PolicyGatedRegistry(enrolled, policyStore!);
        // the CA and the coordinator read a cached copy that a PolicyFollower keeps current by message
        var policyView = new PolicyView();
        var invitations = Has("authn") ? stores.OpenInvitations() : null;
        FileCertificateAuthority? ca = null;
        if (Has("ca"))
        {
            ca = FileCertificateAuthority.LoadOrCreate(data.Path, new CaOptions { Issuer = config.CaIssuer, Time = clock, Sealer = sealer });
            owned.Add(ca);
        }
        TransparencyLog? log = null;
        if (Has("tlog"))
        {
            log = stores.OpenLog(new TLogOptions
            {
                Origin = config.LogOrigin, KeyName = config.LogKeyName, BaseUrl = config.LogBaseUrl, Sealer = sealer,
            }, clock);
            ownedAsync.Add(log);
        }

        var transport = ClusterTransport.ForNode(config, options, data, options.Port, config.Roles, attestation,
            Environment.GetEnvironmentVariable, clock);
        if (ClusterTransport.TlsOf(transport) is { } tls) owned.Add(tls);
        var hocon = ClusterAkkaConfig.Member(options, config.Roles, transport).WithFallback(stores.JournalConfig());
        var host = new HostBuilder()
            // SIGTERM/SIGINT belong to 'mpcsign node', which stops the member itself (not the console lifetime's race)
            .ConfigureServices(services => services.AddSingleton<IHostLifetime, CallerControlledLifetime>())
            .ConfigureServices(services => services.AddAkka(ClusterOptions.SystemName, builder =>
            {
                builder.AddHocon(hocon, HoconAddMode.Prepend);
                if (stores.JournalSetup() is { } journalSetup) builder.AddSetup(journalSetup);
                foreach (var setup in transport.Setups) builder.AddSetup(setup);
                builder
                    .ConfigureLoggers(loggers =>
                    {
                        loggers.ClearLoggers();
                        loggers.AddLogger<SerilogLogger>();
                    })
                    .WithActors((system, _) =>
                    {
                        var proxies = SingletonServices.ToDictionary(s => s, s => Proxy(system, s));
                        proxies[PolicyService] = Proxy(system, PolicyService, "authn");
                        if (registry is not null)
                        {
                            Singleton(system, "authn", Props.Create(() => new AuthNActor(registry, rp, clock, new AuthN.Passkeys.PasskeyCeremonies(rp, config.WebAuthn, clock), invitations)));
                            Singleton(system, PolicyService, Props.Create(() => new PolicyActor(policyStore!, enrolled!, config, attestation.Measurement, clock, null)), "authn");
                        }
                        if (ca is not null || Has("coordinator") || Has("signer"))
                            system.ActorOf(Props.Create(() => new PolicyFollower(proxies[PolicyService], policyView, PolicyRefresh, true)), "policy-follower");
                        if (ca is not null) Singleton(system, "ca", Props.Create(() => new CaActor(ca, clock, CaPolicyCheck.For(policyView, ca.Certificate.RawData))));
                        if (log is not null) Singleton(system, "tlog", Props.Create(() => new TLogActor(log)));
                        if (Has("signer"))
                        {
                            var evidence = new QuorumEvidenceVerifier(RemoteParticipants.Lookup(proxies["authn"], timeout), rp, config.Coordinator.Policy,
                                () => policyView.Current is { } trust ? PolicyEvidence.Rule(trust) : null);
                            var signerActor = system.ActorOf(Props.Create(() => new FrostSignerActor(evidence, identity!)), ClusterSigners.ActorName);
                            // clients ask every signer for its identity record ('mpcsign trust-root')
                            ClusterClientReceptionist.Get(system).RegisterService(signerActor);
                        }
                        if (Has("coordinator"))
                        {
                            // a signer member that was just restarted needs a few seconds to rejoin: waiting for it is not a
                            // failed attempt (the step as a whole is bounded at four service timeouts)
                            var signers = new ClusterSigners(system, config.Signers, timeout * 2);
                            var pipeline = new SessionPipeline(new FrostSessionSigning(signers.GetAsync, config.Threshold, timeout),
                                proxies["ca"], proxies["tlog"], attestation.Measurement, data.File("bundles"), timeout) { Policy = () => policyView.Current };
                            var deps = new SessionDependencies(proxies["authn"], pipeline, clock, config.Coordinator) { TrustPolicy = () => policyView.Current };
                            Singleton(system, "coordinator", Props.Create(() => new CoordinatorActor(deps)));
                            // 'mpcsign policy init': the coordinator gathers version 1's material from the services it signs with
                            var bootstrapper = system.ActorOf(Props.Create(() => new PolicyBootstrapper(proxies["ca"], proxies["tlog"],
                                signers.GetAsync, proxies[PolicyService], timeout)), PolicyBootstrapName);
                            ClusterClientReceptionist.Get(system).RegisterService(bootstrapper);
                        }
                        var receptionist = ClusterClientReceptionist.Get(system);
                        foreach (var service in ClientServices) receptionist.RegisterService(proxies[service]);
                        system.ActorOf(Props.Create(() => new PeerDowning()), "peer-downing");
                    });
            }))
            .Build();
        var started = false;
        try
        {
            await host.StartAsync();
            started = true;
            var system = host.Services.GetRequiredService<ActorSystem>();
            // every audit event of a message from another node carries the digest of the attested link it came over
            var links = AttestedLinks.Get(system);
            LinkAttestation.Lookup = address => links.DigestOf(address) ?? "unattested";
            var node = new ClusterNode(host, system, config, owned, ownedAsync);
            global::Akka.Cluster.Cluster.Get(system).RegisterOnMemberUp(() =>
            {
                node._up.TrySetResult();
                if (journal is not null) _ = node.ResumeInterruptedAsync(journal, timeout);
            });
            return node;
        }
        catch
        {
            if (started) await host.StopAsync();
            host.Dispose();
            throw;
        }
    }

    /// <summary>A singleton manager for <paramref name="service"/> (only on members with that role; Akka refuses it elsewhere).</summary>
    private static void Singleton(ActorSystem system, string service, Props props, string? role = null) =>
        system.ActorOf(ClusterSingletonManager.Props(props, PoisonPill.Instance,
            ClusterSingletonManagerSettings.Create(system).WithRole(role ?? service).WithSingletonName(service)), service + "-singleton");

    /// <summary>The proxy at /user/SERVICE that finds the singleton wherever it runs and buffers while it moves.</summary>
    private static IActorRef Proxy(ActorSystem system, string service, string? role = null) =>
        system.ActorOf(ClusterSingletonProxy.Props("/user/" + service + "-singleton",
            ClusterSingletonProxySettings.Create(system).WithRole(role ?? service).WithSingletonName(service)), service);

    /// <summary>
    /// Sessions a crash cut off between quorum and log (found in this coordinator's journal) are finished as soon as this
    /// member is up: signed and logged once, or failed with their reason.
    /// </summary>
    private async Task ResumeInterruptedAsync(NodeStores journal, TimeSpan timeout)
    {
        var coordinator = await System.ActorSelection("/user/coordinator").ResolveOne(timeout);
        var client = new NodeClient(coordinator, ActorRefs.Nobody, ActorRefs.Nobody, timeout);
        foreach (var id in journal.InterruptedSessions(System.Settings.Config))
        {
            try
            {
                await client.ResumeSigningAsync(id);
            }
            catch (Exception e) when (e is ServiceRefusedException or AskTimeoutException)
            {
                Serilog.Log.Warning("session {Session} could not be resumed yet ({Reason}); it resumes at its next message",
                    Convert.ToHexStringLower(id), e.Message);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync();
            _host.Dispose();
            foreach (var d in _ownedAsync) await d.DisposeAsync();
            foreach (var d in _owned) d.Dispose();
        }
        finally
        {
            _dataLock?.Dispose();
        }
    }

    /// <summary>A host lifetime that listens to no signal: whoever owns the node decides when it stops.</summary>
    private sealed class CallerControlledLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
