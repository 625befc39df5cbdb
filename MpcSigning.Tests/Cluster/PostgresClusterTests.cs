using System.Security.Cryptography;
using MpcSigning.Cli;
using MpcSigning.Hosting;
using MpcSigning.Hosting.Cluster;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Storage;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Cluster;

/// <summary>
/// The PostgreSQL variant of config/cluster/ (config/cluster/postgresql/: authn, tlog and two coordinator members on
/// one shared database) as real processes on 127.0.0.1. The coordinator member holding the sessions is killed (-9) and
/// not restarted: the coordinator singleton moves to coordinator-2, whose session actors recover from the shared
/// journal, so the approvals acknowledged before the kill are kept and the session signs and is logged exactly once.
/// </summary>
[NonParallelizable]
public class PostgresClusterTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(120);

    private TestDatabase _database = null!;
    private ClusterMembers _cluster = null!;
    private ClusterConnection _client = null!;

    private string Auth => _cluster.Dir.File("authenticators");

    [OneTimeSetUp]
    public async Task StartCluster()
    {
        _database = TestPostgres.CreateDatabase();
        _cluster = new ClusterMembers(
        [
            ("MPCSIGN_SERVICE_TIMEOUT_SECONDS", "8"), ("MPCSIGN_ALLOW_SIMULATED_ATTESTATION", "true"),
            ("MPCSIGN_CLUSTER_STABLE_AFTER_SECONDS", "4"),
            // the whole cluster on this test database (the files name a server on port 5432; members without a store open none)
            (StorageOptions.ProviderVariable, "postgresql"), (StorageOptions.ConnectionVariable, _database.ConnectionString),
        ], "postgresql", "coordinator-2");
        _cluster.StartAll();
        // the second coordinator joins last, so the singleton starts on the first one (the oldest member with the role)
        _cluster.Start("coordinator-2");
        _cluster.WaitUp("coordinator-2");
        var env = _cluster.ClusterEnv(null);
        var config = NodeConfig.Load(ClusterMembers.ConfigFile("client"), n => env.FirstOrDefault(e => e.Name == n).Value);
        _client = await ClusterConnection.ConnectAsync(config, DataDirectory.Open(_cluster.Dir.File("client")));
        foreach (var (name, role) in new[] { ("Alice", Role.Engineer), ("Bob", Role.Steward), ("Carol", Role.Steward) })
            await Retry(() => FlowCommands.EnrollAsync(_client.Client, Auth, name, Email(name), role));
    }

    [OneTimeTearDown]
    public async Task StopCluster()
    {
        try
        {
            _cluster?.Dispose();
            if (_client is not null) await _client.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            _database?.Dispose();
        }
    }

    private static string Email(string name) => name.ToLowerInvariant() + "@example.com";

    [Test]
    public async Task CoordinatorMemberLost_SingletonMovesToTheOther_ApprovalsKeptAndSessionSignsOnce()
    {
        var digest = RandomNumberGenerator.GetBytes(32);
        var session = (await Retry(() => _client.Client.RequestSigningAsync(digest, "artifact", "test"))).SessionId.ToByteArray();
        await FlowCommands.ApproveAsync(_client, session, "Alice", Email("Alice"), Auth);
        await FlowCommands.ApproveAsync(_client, session, "Bob", Email("Bob"), Auth);

        _cluster.Kill("coordinator"); // not restarted: its sessions must live on in the shared journal

        var kept = await Retry(() => _client.Client.StatusAsync(session));
        Assert.That(kept.Approvers.Select(a => a.Email), Is.EqualTo(new[] { Email("Alice"), Email("Bob") }), "approvals acknowledged before the loss");
        var done = await Retry(() => FlowCommands.ApproveAsync(_client, session, "Carol", Email("Carol"), Auth));
        Assert.That(done.Phase, Is.EqualTo(SessionPhase.Completed), done.Failure?.Message);
        Assert.That(done.Approvers.Select(a => a.Email), Is.EqualTo(new[] { Email("Alice"), Email("Bob"), Email("Carol") }));
        var entries = await _client.Client.FindLogEntriesAsync(digest);
        Assert.That(entries.Entries, Has.Count.EqualTo(1), "one log entry for the session");
        Assert.That(_cluster.LogEvents("coordinator-2").Any(e => e.GetRawText().Contains(Convert.ToHexStringLower(session), StringComparison.Ordinal)),
            "coordinator-2 served the session after the loss");
    }

    /// <summary>While the singleton moves (the dead member is downed after the stable-after period) requests time out; retried, bounded.</summary>
    private static async Task<T> Retry<T>(Func<Task<T>> call)
    {
        var deadline = DateTime.UtcNow + Within;
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (DateTime.UtcNow < deadline && e.GetBaseException() is Akka.Actor.AskTimeoutException or TimeoutException)
            {
            }
        }
    }
}
