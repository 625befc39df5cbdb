using MpcSigning.Hosting;
using MpcSigning.Hosting.Cluster;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Cluster;

/// <summary>The Cluster section, the example deployment in config/cluster/, and where a cluster configuration is refused.</summary>
public class ClusterConfigTests
{
    private static readonly string[] Members = ["authn", "ca", "tlog", "coordinator", "signer-1", "signer-2", "signer-3"];

    private static NodeConfig Load(string file, params (string Name, string Value)[] env) =>
        NodeConfig.Load(file, n => env.FirstOrDefault(e => e.Name == n).Value);

    private static string Write(TempDir dir, string json)
    {
        var path = dir.File("node.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Test]
    public void ExampleDeployment_SevenMembers_OneRoleEach_DistinctPorts_OneSharedSeed()
    {
        var configs = Members.ToDictionary(m => m, m => Load(ClusterMembers.ConfigFile(m)));
        Assert.That(configs.Values.Select(c => c.Cluster!.Port).Distinct().Count(), Is.EqualTo(7));
        Assert.That(configs.Values.Select(c => c.NodeName), Is.EqualTo(Members));
        Assert.That(configs.Values.All(c => c.Roles.Count == 1), Is.True, "one role per member");
        Assert.That(configs.Values.Count(c => c.Roles[0] == ClusterSigners.Role), Is.EqualTo(configs["coordinator"].Signers),
            "as many signer members as the FROST group has signers");
        var seed = configs["authn"].Cluster!;
        Assert.That(configs.Values.All(c => c.Cluster!.SeedNodes.SequenceEqual([(seed.Hostname, seed.Port)])), Is.True);
        Assert.That(Load(ClusterMembers.ConfigFile("client")).Cluster!.Port, Is.EqualTo(0), "a client binds any free port");
    }

    [Test]
    public void DefaultConfiguration_HasNoClusterSection_SingleProcessNode() =>
        Assert.That(NodeConfig.Load(null, _ => null).Cluster, Is.Null);

    [Test]
    public void Environment_OverridesPortAndSeeds()
    {
        var c = Load(ClusterMembers.ConfigFile("ca"), ("MPCSIGN_CLUSTER_PORT", "5002"), ("MPCSIGN_CLUSTER_SEED_NODES", "127.0.0.1:5001, 127.0.0.1:5003"));
        Assert.That(c.Cluster!.Port, Is.EqualTo(5002));
        Assert.That(c.Cluster.SeedNodes, Is.EqualTo(new[] { ("127.0.0.1", 5001), ("127.0.0.1", 5003) }));
    }

    [TestCase("""{ "Cluster": { "SeedNodes": [ "127.0.0.1:4051" ], "JoinTimeoutSeconds": 0 } }""", "Cluster:JoinTimeoutSeconds", "from 1 to 86400, got '0'")]
    [TestCase("""{ "Cluster": { "Port": 4051 } }""", "Cluster:SeedNodes", "lists no seed node")]
    [TestCase("""{ "Cluster": { "SeedNodes": [ "akka.tcp://mpcsign@127.0.0.1:4051" ] } }""", "Cluster:SeedNodes", "must be \"host:port\"")]
    [TestCase("""{ "Cluster": { "SeedNodes": [ "127.0.0.1:0" ] } }""", "Cluster:SeedNodes", "from 1 to 65535")]
    [TestCase("""{ "Cluster": { "Port": 70000, "SeedNodes": [ "127.0.0.1:4051" ] } }""", "Cluster:Port", "from 0 to 65535")]
    [TestCase("""{ "Cluster": { "Hostname": "not a host", "SeedNodes": [ "127.0.0.1:4051" ] } }""", "Cluster:Hostname", "not a host name")]
    public void MalformedClusterSection_StopsWithAMessageNamingTheKey(string json, string key, string problem)
    {
        using var dir = new TempDir();
        var e = Assert.Throws<ConfigException>(() => Load(Write(dir, json)));
        Assert.That(e!.Message, Does.StartWith(key).And.Contain(problem));
    }

    [Test]
    public void JoinTimeout_DefaultsTo120Seconds_FileAndEnvironmentSetIt()
    {
        using var dir = new TempDir();
        var file = Write(dir, """{ "Cluster": { "SeedNodes": [ "127.0.0.1:4051" ], "JoinTimeoutSeconds": 30 } }""");
        Assert.That(Load(ClusterMembers.ConfigFile("ca")).Cluster!.JoinTimeout, Is.EqualTo(TimeSpan.FromSeconds(120)));
        Assert.That(Load(file).Cluster!.JoinTimeout, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(Load(file, ("MPCSIGN_CLUSTER_JOIN_TIMEOUT_SECONDS", "45")).Cluster!.JoinTimeout, Is.EqualTo(TimeSpan.FromSeconds(45)));
    }

    /// <summary>
    /// Akka retries a join forever; a member no seed answers gives up after Cluster:JoinTimeoutSeconds, says why on one
    /// line and exits 75 (EX_TEMPFAIL) for its supervisor to start it again, instead of waiting silently with no role served.
    /// </summary>
    [Test]
    public void Member_WhoseSeedNeverAnswers_ExitsAfterTheJoinTimeout_SayingWhy()
    {
        using var cluster = new ClusterMembers([("MPCSIGN_CLUSTER_JOIN_TIMEOUT_SECONDS", "3")]);
        // the seed (authn) is never started: its port is free, nothing answers there
        cluster.Start("ca");
        var (code, output) = cluster.WaitExitedWithOutput("ca", TimeSpan.FromSeconds(60));
        Assert.That(code, Is.EqualTo(75), output);
        var said = output.Split('\n').Where(l => l.StartsWith("mpcsign: ", StringComparison.Ordinal)).ToArray();
        Assert.That(said, Has.Length.EqualTo(1), output);
        Assert.That(said[0], Does.StartWith("mpcsign: node ca did not become Up in the cluster within 3 s (Cluster:JoinTimeoutSeconds) joining through " + cluster.SeedNodes + ": ")
            .And.EndWith("then start it again (a supervisor restarts it)"));
        Assert.That(output, Does.Not.Contain(" is up").And.Not.Contain("   at "), "never up, no stack trace");
    }

    [Test]
    public void EmbeddedNode_WithAClusterConfiguration_IsRefusedWithTheWayOut()
    {
        using var dir = new TempDir();
        var e = Assert.ThrowsAsync<ConfigException>(() =>
            NodeHost.StartAsync(Load(ClusterMembers.ConfigFile("signer-1")), DataDirectory.Open(dir.Path), TimeProvider.System));
        Assert.That(e!.Message, Does.StartWith("Cluster:").And.Contain("mpcsign node"));
        Assert.That(Directory.GetFiles(dir.Path), Is.Empty, "nothing was created");
    }

    /// <summary>Without a Cluster section 'mpcsign node' runs a single node serving gRPC (Hosting/Grpc tests); its settings are checked first.</summary>
    [Test]
    public void NodeCommand_WithoutAClusterSection_ChecksItsGrpcSettingsBeforeStarting()
    {
        using var dir = new TempDir();
        var r = Mpcsign.RunWith([("MPCSIGN_GRPC_LISTEN", "somewhere")], dir.Path, "node", "--config", Path.Combine(AppContext.BaseDirectory, "config", "mpcsign.json"));
        Assert.That(r.ExitCode, Is.EqualTo(2), r.Err);
        Assert.That(r.Err.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(r.Err, Does.Contain("MPCSIGN_GRPC_LISTEN: must be IP:PORT"));
        Assert.That(Directory.GetFileSystemEntries(dir.Path), Is.Empty, "nothing was created");
    }
}
