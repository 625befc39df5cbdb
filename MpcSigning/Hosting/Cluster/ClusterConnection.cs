using System.Collections.Immutable;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Cluster.Tools.Client;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using Akka.Logger.Serilog;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Proto.Coordinator;

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

    private ClusterConnection(ActorSystem system, NodeClient client, RelyingParty rp, DataDirectory data)
    {
        _system = system;
        Client = client;
        RelyingParty = rp;
        _data = data;
    }

    public NodeClient Client { get; }

    public RelyingParty RelyingParty { get; }

    public static Task<ClusterConnection> ConnectAsync(NodeConfig config, DataDirectory data)
    {
        var options = config.Cluster ?? throw new ConfigException("Cluster", "a cluster client needs the Cluster section's SeedNodes");
        var transport = ClusterTransport.Create(options.Hostname, 0);
        var hocon = ClusterAkkaConfig.Client(transport)
            .WithFallback(ConfigurationFactory.ParseString($$"""
                akka {
                  loglevel = WARNING
                  stdout-loglevel = OFF
                  loggers = ["{{typeof(SerilogLogger).AssemblyQualifiedName}}"]
                  log-dead-letters = off
                  log-dead-letters-during-shutdown = off
                }
                """))
            .WithFallback(ClusterClientReceptionist.DefaultConfig())
            .WithFallback(DistributedPubSub.DefaultConfig()); // the binding of the envelope the receptionist reads
        var setup = ActorSystemSetup.Create([BootstrapSetup.Create().WithConfig(hocon), .. transport.Setups]);
        var system = ActorSystem.Create(ClusterOptions.SystemName + "-client", setup);
        var contacts = options.SeedNodes
            .Select(s => ActorPath.Parse(ClusterAkkaConfig.SeedAddress(transport.Protocol, s.Host, s.Port) + "/system/receptionist"))
            .ToImmutableHashSet();
        var cluster = system.ActorOf(ClusterClient.Props(ClusterClientSettings.Create(system).WithInitialContacts(contacts)), "cluster-client");
        IActorRef Service(string name) => system.ActorOf(Props.Create(() => new Forwarder(cluster, "/user/" + name)), name);
        var client = new NodeClient(Service("coordinator"), Service("authn"), Service("tlog"), config.Coordinator.ServiceTimeout);
        return Task.FromResult(new ClusterConnection(system, client, new RelyingParty(config.RelyingPartyId, [config.RelyingPartyOrigin]), data));
    }

    public string BundleFile(SessionStatus status)
    {
        var path = _data.File(Path.Combine("bundles", Convert.ToHexStringLower(status.SessionId.Span) + ".json"));
        if (status.Phase == SessionPhase.Completed && !status.BundleJson.IsEmpty && !File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var tmp = path + ".tmp-" + Guid.NewGuid().ToString("N");
            File.WriteAllBytes(tmp, status.BundleJson.ToByteArray());
            File.Move(tmp, path, overwrite: true);
        }
        return path;
    }

    public async ValueTask DisposeAsync() => await _system.Terminate();

    /// <summary>Sends what it receives to the cluster's service at <paramref name="path"/>, keeping the original sender.</summary>
    private sealed class Forwarder : ReceiveActor
    {
        public Forwarder(IActorRef cluster, string path) =>
            ReceiveAny(m => cluster.Forward(new ClusterClient.Send(path, m, localAffinity: true)));
    }
}
