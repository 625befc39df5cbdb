using MpcSigning.Actors;
using MpcSigning.AuthN;
using MpcSigning.AuthN.Registry.Sqlite;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Ca;
using MpcSigning.Ca.File;
using MpcSigning.Cli;
using MpcSigning.Coordinator;
using MpcSigning.Coordinator.Pipeline;
using MpcSigning.Signing;
using MpcSigning.Signing.Threshold;
using MpcSigning.Storage.Sqlite;
using MpcSigning.TLog;
using MpcSigning.TLog.Storage.Sqlite;

namespace MpcSigning.Hosting;

/// <summary>
/// One node in one process: opens the data directory, starts the roles' actors (authn, ca, tlog, signer,
/// coordinator), recovers their state from the store, and stops them all on dispose.
/// </summary>
public sealed class NodeHost : IAsyncDisposable
{
    public const string DatabaseFileName = "mpcsign.db";

    private readonly FileCertificateAuthority _ca;
    private readonly SqliteTransparencyLog _log;
    private IDisposable? _dataLock;

    private NodeHost(NodeConfig config, DataDirectory data, ActorSystem system, FileCertificateAuthority ca,
        SqliteTransparencyLog log, NodeClient client, RelyingParty rp, byte[] measurement, IActorRef coordinator, IActorRef authn)
    {
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

    /// <summary>The coordinator actor (node/user/coordinator).</summary>
    public IActorRef Coordinator { get; }

    /// <summary>The AuthN service actor (node/user/authn).</summary>
    public IActorRef AuthN { get; }

    public RelyingParty RelyingParty { get; }

    public byte[] EnclaveMeasurement { get; }

    public ICertificateAuthority CertificateAuthority => _ca;

    public ITransparencyLog TransparencyLog => _log;

    public string BundleDirectory => Data.File("bundles");

    public string BundlePath(byte[] sessionId) => Path.Combine(BundleDirectory, Convert.ToHexStringLower(sessionId) + ".json");

    /// <summary>Starts the node the CLI embeds, from --config / --data-dir and the environment.</summary>
    public static Task<NodeHost> StartAsync(CliContext ctx) =>
        StartAsync(NodeConfig.Load(ctx.ConfigFile, Environment.GetEnvironmentVariable)
            with { LockWait = DataDirectory.LockWait(ctx.WaitSeconds, Environment.GetEnvironmentVariable) },
            DataDirectory.Open(ctx.DataDir), TimeProvider.System);

    public static Task<NodeHost> StartAsync(NodeConfig config, DataDirectory data, TimeProvider clock) =>
        StartAsync(config, data, clock, wrapPipeline: null);

    /// <param name="wrapPipeline">Tests only: wraps the signing pipeline (to inject a crash between steps).</param>
    internal static async Task<NodeHost> StartAsync(NodeConfig config, DataDirectory data, TimeProvider clock,
        Func<ISigningPipeline, ISigningPipeline>? wrapPipeline)
    {
        // One data directory, one node: held until DisposeAsync, released at once if the start fails before the end.
        using var dataLock = new DisposeUnlessKept(await data.LockAsync(config.LockWait, Console.Error));
        if (config.Roles.Count != NodeConfig.AllRoles.Length)
            throw new ConfigException("Node:Roles", "a node started from the CLI runs every role (coordinator, authn, signer, ca, tlog); " +
                "splitting roles across nodes needs attested links between them, which this build does not have yet");
        var attestation = await NodeAttestation.AttestSelfAsync(config, data, clock);
        var measurement = attestation.Measurement;
        var db = SqliteDatabase.Open(data.File(DatabaseFileName));
        var rp = new RelyingParty(config.RelyingPartyId, [config.RelyingPartyOrigin]);
        var ca = FileCertificateAuthority.LoadOrCreate(data.Path, new CaOptions { Issuer = config.CaIssuer, Time = clock });
        var log = SqliteTransparencyLog.Open(data, db, new TLogOptions
        {
            Origin = config.LogOrigin, KeyName = config.LogKeyName, BaseUrl = config.LogBaseUrl,
        }, clock);
        var registry = new SqliteParticipantRegistry(db, clock);
        var system = ActorSystem.Create(config.NodeName);
        var timeout = config.Coordinator.ServiceTimeout;
        var authn = system.ActorOf(Props.Create(() => new AuthNActor(registry, rp, clock)), "authn");
        var caActor = system.ActorOf(Props.Create(() => new CaActor(ca, clock)), "ca");
        var tlog = system.ActorOf(Props.Create(() => new TLogActor(log)), "tlog");
        var evidence = new QuorumEvidenceVerifier(registry, rp, config.Coordinator.Policy);
        var signers = Enumerable.Range(1, config.Signers)
            .Select(i => system.ActorOf(Props.Create(() => new FrostSignerActor(evidence)), "signer-" + i)).ToArray();
        var pipeline = new SessionPipeline(new FrostSessionSigning(signers, config.Threshold, timeout), caActor, tlog, measurement,
            data.File("bundles"), timeout);
        var deps = new SessionDependencies(new SqliteSessionEventStore(db), authn, wrapPipeline?.Invoke(pipeline) ?? pipeline, clock,
            config.Coordinator);
        var coordinator = system.ActorOf(Props.Create(() => new CoordinatorActor(deps)), "coordinator");
        return new NodeHost(config, data, system, ca, log, new NodeClient(coordinator, authn, tlog, timeout), rp, measurement, coordinator, authn)
            { _dataLock = dataLock.Keep() };
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await System.TerminateAsync();
            await _log.DisposeAsync();
            _ca.Dispose();
        }
        finally
        {
            _dataLock?.Dispose();
        }
    }
}
