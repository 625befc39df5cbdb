using Akka.Actor;
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
using MpcSigning.Cli;
using MpcSigning.Coordinator;
using MpcSigning.Coordinator.Pipeline;
using MpcSigning.Hosting.Akka;
using MpcSigning.Policy;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Signing;
using MpcSigning.Signing.Threshold;
using MpcSigning.Storage;
using MpcSigning.Storage.Sqlite;
using MpcSigning.TLog;
using MpcSigning.TLog.Sequencer;
using MpcSigning.TLog.Storage.Sqlite;

namespace MpcSigning.Hosting;

/// <summary>
/// One node in one process: opens the data directory, starts an Akka.NET actor system (composed with Akka.Hosting on
/// a Microsoft.Extensions.Hosting host) with the roles' actors (authn, ca, tlog, signers, coordinator), finishes the
/// sessions a crash cut off mid-signing, and stops it all (Akka's coordinated shutdown) on dispose.
/// </summary>
public sealed class NodeHost : INodeAccess
{
    public const string DatabaseFileName = "mpcsign.db";

    private readonly IHost _host;
    private readonly FileCertificateAuthority _ca;
    private readonly TransparencyLog _log;
    private NodeStores? _stores;
    private IDisposable? _dataLock;
    private Func<Proto.Policy.TrustPolicy>? _currentPolicy;

    private NodeHost(IHost host, NodeConfig config, DataDirectory data, ActorSystem system, FileCertificateAuthority ca,
        TransparencyLog log, NodeClient client, RelyingParty rp, byte[] measurement, IActorRef coordinator, IActorRef authn)
    {
        _host = host;
        Coordinator = coordinator;
        AuthN = authn;
        Config = config;
        Data = data;
        System = system;
        _ca = ca;
        _log = log;
        Client = client;
        RelyingParty = rp;
        EnclaveMeasurement = measurement;
    }

    public NodeConfig Config { get; }

    public DataDirectory Data { get; }

    public ActorSystem System { get; }

    public NodeClient Client { get; }

    /// <summary>The coordinator actor (/user/coordinator).</summary>
    public IActorRef Coordinator { get; }

    /// <summary>The AuthN service actor (/user/authn).</summary>
    public IActorRef AuthN { get; }

    public RelyingParty RelyingParty { get; }

    /// <summary>The node's clock (the web sign-in's challenge and cookie lifetimes).</summary>
    public TimeProvider Clock { get; private set; } = TimeProvider.System;

    public byte[] EnclaveMeasurement { get; }

    public ICertificateAuthority CertificateAuthority => _ca;

    public ITransparencyLog TransparencyLog => _log;

    /// <summary>The node's trust policy chain (DATA_DIR/trust-policy.json); version 1 is made at the first session.</summary>
    public PolicyStore Policy { get; private set; } = null!;

    /// <summary>The trust policy in force, made (version 1, the bootstrap) from the enrolled participants if there is none yet.</summary>
    public Proto.Policy.TrustPolicy CurrentPolicy() => _currentPolicy!();

    /// <summary>The attested identities of this node's signers (PinnedSigner records for the trust policy: <c>Record</c>).</summary>
    public IReadOnlyList<SignerIdentity> SignerIdentities { get; private set; } = [];

    public string BundleDirectory => Data.File("bundles");

    public string BundleFile(Proto.Coordinator.SessionStatus status) => BundlePath(status.SessionId.ToByteArray());

    public Task<byte[]> TrustedRootJsonAsync() => Task.FromResult(TrustMaterial.TrustedRootJson(this));

    public string BundlePath(byte[] sessionId) => Path.Combine(BundleDirectory, Convert.ToHexStringLower(sessionId) + ".json");

    /// <summary>Starts the node the CLI embeds, from --config / --data-dir and the environment.</summary>
    public static Task<NodeHost> StartAsync(CliContext ctx) =>
        StartAsync(NodeConfig.Load(ctx.ConfigFile, Environment.GetEnvironmentVariable)
            with { LockWait = DataDirectory.LockWait(ctx.WaitSeconds, Environment.GetEnvironmentVariable) },
            DataDirectory.Open(ctx.DataDir), TimeProvider.System);

    public static Task<NodeHost> StartAsync(NodeConfig config, DataDirectory data, TimeProvider clock) =>
        StartAsync(config, data, clock, wrapPipeline: null);

    /// <param name="wrapPipeline">Tests only: wraps the signing pipeline (to inject a crash between steps).</param>
    /// <param name="configureAkka">Tests only: adds to the actor system's setup (e.g. a journal that fails on demand).</param>
    internal static async Task<NodeHost> StartAsync(NodeConfig config, DataDirectory data, TimeProvider clock,
        Func<ISigningPipeline, ISigningPipeline>? wrapPipeline, Action<AkkaConfigurationBuilder>? configureAkka = null)
    {
        if (config.Cluster is not null)
            throw new ConfigException("Cluster", "this command runs a node inside the CLI process, which cannot be a cluster member; " +
                "against a cluster use enroll, request, join and status with the client configuration (config/cluster/client.json), " +
                "and start members with 'mpcsign node'");
        if (config.Roles.Count != NodeConfig.AllRoles.Length)
            throw new ConfigException("Node:Roles", "a node without a Cluster section runs every role (coordinator, authn, signer, ca, tlog) " +
                "in one process; to split roles across processes give each node a Cluster section and start it with 'mpcsign node' (see config/cluster/)");
        // One data directory, one node: held until DisposeAsync, released at once if the start fails before the end.
        using var dataLock = new DisposeUnlessKept(await data.LockAsync(config.LockWait, Console.Error));
        var attestation = await NodeAttestation.AttestSelfAsync(config, data, clock);
        var measurement = attestation.Measurement;
        var stores = NodeStores.Open(config.Storage, data, database: true, journal: true);
        var rp = new RelyingParty(config.RelyingPartyId, [config.RelyingPartyOrigin], config.WebAuthn.RequireUserVerification);
        var sealer = NodeSealing.For(config, data, attestation);
        var ca = FileCertificateAuthority.LoadOrCreate(data.Path, new CaOptions { Issuer = config.CaIssuer, Time = clock, Sealer = sealer });
        // one attested identity per signer of this node; each signs its verifying share at the end of every DKG
        var identities = new List<SignerIdentity>();
        for (var i = 1; i <= config.Signers; i++)
            identities.Add(await SignerIdentity.OpenAsync(data, $"{config.NodeName}/signer-{i}", sealer, attestation.Provider, CancellationToken.None));
        var log = stores.OpenLog(new TLogOptions
        {
            Origin = config.LogOrigin, KeyName = config.LogKeyName, BaseUrl = config.LogBaseUrl, Sealer = sealer,
        }, clock);
        var enrolled = stores.OpenRegistry(clock);
        var invitations = stores.OpenInvitations();
        var policy = new PolicyStore(data.Path);
        var registry = new PolicyGatedRegistry(enrolled, policy);
        // Version 1 of the trust policy: the operator's bootstrap, made from the set-up at the first session.
        Proto.Policy.TrustPolicy CurrentPolicy()
        {
            var (current, created) = policy.Bootstrap(() => PolicyStore.MakeV1(enrolled.List(), config, ca.Certificate.RawData,
                log.Identity.PublicKey, measurement, clock.GetUtcNow().ToUnixTimeMilliseconds(),
                identities.Select(i => new Proto.Policy.PinnedSigner
                {
                    Name = i.Record.Name, IdentityPublicKey = i.Record.IdentityPublicKey, AttestationReport = i.Record.AttestationReport,
                })));
            if (created)
                Serilog.Log.Warning("trust policy v1 created in {File}: {Participants} participants; pin its fingerprint {Fingerprint}",
                    policy.FilePath, current.Participants.Count, PolicyDigest.Fingerprint(current));
            return current;
        }
        var timeout = config.Coordinator.ServiceTimeout;
        IActorRef coordinator = ActorRefs.Nobody, authn = ActorRefs.Nobody, tlog = ActorRefs.Nobody;

        var host = new HostBuilder()
            .ConfigureServices(services => services.AddAkka(config.NodeName, builder =>
            {
                builder.AddHocon(stores.JournalConfig(), HoconAddMode.Prepend);
                if (stores.JournalSetup() is { } journalSetup) builder.AddSetup(journalSetup);
                builder.ConfigureLoggers(loggers =>
                    {
                        loggers.ClearLoggers();
                        loggers.AddLogger<SerilogLogger>();
                    })
                    .WithActors((system, actors) =>
                    {
                        authn = system.ActorOf(Props.Create(() => new AuthNActor(registry, rp, clock, new AuthN.Passkeys.PasskeyCeremonies(rp, config.WebAuthn, clock), invitations))
                            .WithDispatcher(NodeAkkaConfig.BlockingDispatcher), "authn"); // its registry writes wait for fsync
                        var verdicts = new ApprovalVerdicts(); // one WebAuthn verification per approval for this process's signers and CA
                        var caCheck = new CaPolicyCheck(policy.Current) { Verdicts = verdicts };
                        var caActor = system.ActorOf(Props.Create(() => new CaActor(ca, clock, caCheck)), "ca");
                        tlog = system.ActorOf(Props.Create(() => new TLogActor(log)), "tlog");
                        var evidence = new QuorumEvidenceVerifier(registry, rp, config.Coordinator.Policy,
                            () => policy.Current() is { } trust ? PolicyEvidence.Rule(trust) : null) { Verdicts = verdicts };
                        var signers = Enumerable.Range(1, config.Signers)
                            .Select(i => system.ActorOf(Props.Create(() => new FrostSignerActor(evidence, identities[i - 1])), "signer-" + i)).ToArray();
                        var pipeline = new SessionPipeline(new FrostSessionSigning(signers, config.Threshold, timeout), caActor, tlog,
                            measurement, data.File("bundles"), timeout) { Policy = CurrentPolicy };
                        var deps = new SessionDependencies(authn, wrapPipeline?.Invoke(pipeline) ?? pipeline, clock, config.Coordinator) { TrustPolicy = policy.Current };
                        coordinator = system.ActorOf(Props.Create(() => new CoordinatorActor(deps)), "coordinator");
                        actors.Register<CoordinatorActor>(coordinator);
                        actors.Register<AuthNActor>(authn);
                        actors.Register<TLogActor>(tlog);
                    });
                configureAkka?.Invoke(builder);
            }))
            .Build();
        var started = false;
        try
        {
            await host.StartAsync();
            started = true;
            var system = host.Services.GetRequiredService<ActorSystem>();
            var node = new NodeHost(host, config, data, system, ca, log, new NodeClient(coordinator, authn, tlog, timeout), rp, measurement,
                coordinator, authn);
            node._stores = stores;
            node.Clock = clock;
            node._currentPolicy = CurrentPolicy;
            node.Policy = policy;
            node.SignerIdentities = identities;
            await node.ResumeInterruptedAsync(stores.InterruptedSessions(system.Settings.Config));
            node._dataLock = dataLock.Keep();
            return node;
        }
        catch
        {
            if (started) await host.StopAsync();
            host.Dispose();
            await log.DisposeAsync();
            ca.Dispose();
            foreach (var identity in identities) identity.Dispose();
            stores.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A crash between quorum and log leaves sessions mid-signing: finish each (signed and logged once, or failed with
    /// its reason) before the node serves anything, so every command sees them final.
    /// </summary>
    private async Task ResumeInterruptedAsync(IReadOnlyList<byte[]> sessions)
    {
        await Task.WhenAll(sessions.Select(async id =>
        {
            try
            {
                await Client.ResumeSigningAsync(id);
            }
            catch (Exception e) when (e is ServiceRefusedException or AskTimeoutException)
            {
                Serilog.Log.Warning("session {Session} could not be resumed yet ({Reason}); it resumes at the next start or message",
                    Convert.ToHexStringLower(id), e.Message);
            }
        }));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync(_host, _log, _ca);
        }
        finally
        {
            foreach (var identity in SignerIdentities) identity.Dispose();
            _stores?.Dispose();
            _dataLock?.Dispose();
        }
    }

    private static async Task StopAsync(IHost host, TransparencyLog log, FileCertificateAuthority ca)
    {
        await host.StopAsync();
        host.Dispose();
        await log.DisposeAsync();
        ca.Dispose();
    }
}
