using System.Collections.Concurrent;
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
            ("MPCSIGN_CLUSTER_STABLE_AFTER_SECONDS", "10"),
            // a restarted member the cluster never lets in (welcomed by a member killed before it told the others) gives up
            // and exits, and the campaign's supervisor starts it again (ClusterMembers.UpOrExitWithin)
            ("MPCSIGN_CLUSTER_JOIN_TIMEOUT_SECONDS", "60"),
            // the whole cluster on this test database (the files name a server on port 5432; members without a store open none)
            (StorageOptions.ProviderVariable, "postgresql"), (StorageOptions.ConnectionVariable, _database.ConnectionString),
        ], "postgresql", "coordinator-2")
        {
            // three seeds: with at most MaxDown (2) members restarting at once one seed always runs, so a restarted
            // authn (the first seed) rejoins the running cluster instead of forming a second one
            Seeds = SeedMembers,
        };
        _cluster.StartAll();
        // the second coordinator joins last, so the singleton starts on the first one (the oldest member with the role)
        _cluster.Start("coordinator-2");
        _cluster.WaitUp("coordinator-2");
        var env = _cluster.ClusterEnv(null);
        var config = NodeConfig.Load(ClusterMembers.ConfigFile("client"), n => env.FirstOrDefault(e => e.Name == n).Value);
        _client = await ClusterConnection.ConnectAsync(config, DataDirectory.Open(_cluster.Dir.File("client")));
        foreach (var (name, role) in new[] { ("Alice", Role.Engineer), ("Bob", Role.Steward), ("Carol", Role.Steward) })
        {
            await Retry(() => FlowCommands.EnrollAsync(_client.Client, _client.RelyingParty, Auth, name, Email(name), role));
            // the kill campaign's drivers each have their own three people (one authenticator counter per session driver)
            for (var d = 0; d < Drivers; d++)
                await Retry(() => FlowCommands.EnrollAsync(_client.Client, _client.RelyingParty, Auth, name, KillCampaign.Email(name, d), role));
        }
    }

    /// <summary>Sessions in flight during the kill campaign.</summary>
    private const int Drivers = 8;

    /// <summary>
    /// Trials by default: the issue's bar. A killed member is up again after 5-8 s (see ClusterAkkaConfig's join retry
    /// and gossip settings) and two restart at once: 100 trials take about 6.5 minutes on a 2-core machine.
    /// </summary>
    private const int DefaultTrials = 100;

    /// <summary>Members restarting at once during the kill campaign.</summary>
    private const int MaxDown = 2;

    /// <summary>
    /// The longest pause before a kill (a random one, so kills fall at random points of the sessions in flight, which
    /// are driven independently of the kills).
    /// </summary>
    private const int MaxPauseBeforeKillMs = 300;

    /// <summary>The seeds, the first one first, as config/cluster/postgresql/ lists them.</summary>
    private static readonly string[] SeedMembers = ["authn", "coordinator", "coordinator-2"];

    /// <summary>Members a trial may kill: every one, the first seed (authn) included.</summary>
    private static readonly string[] Killable = ["authn", "ca", "tlog", "coordinator", "coordinator-2", "signer-1", "signer-2", "signer-3"];

    /// <summary>
    /// Kill campaign: <see cref="Drivers"/> sessions are kept in flight (request, three approvals, final state) while each
    /// trial kills -9 one member of a random role at a random moment (so at a random step of the sessions in flight:
    /// before or after whichever event is being persisted), restarts it and waits until it is up. Every session ends
    /// completed, or cleanly failed with its reason; none is broken, none loses an acknowledged approval, none is logged
    /// twice; the log holds one entry per session and its root recomputed from every entry equals the last checkpoint's.
    /// Each trial is recorded with the member killed and the step every session in flight was at (its request, an
    /// approval, or the phase after the approvals), and counted completed, cleanly failed or broken by those sessions.
    /// MPCSIGN_KILL_TRIALS (default <see cref="DefaultTrials"/>) and MPCSIGN_KILL_SEED replay a campaign.
    /// </summary>
    [Test, Order(2)]
    public async Task KillCampaign_OneMemberKilledPerTrial_NothingBrokenLostOrTwice()
    {
        var trials = int.TryParse(System.Environment.GetEnvironmentVariable("MPCSIGN_KILL_TRIALS"), out var t) ? t : DefaultTrials;
        var seed = int.TryParse(System.Environment.GetEnvironmentVariable("MPCSIGN_KILL_SEED"), out var s) ? s : RandomNumberGenerator.GetInt32(int.MaxValue);
        TestContext.Progress.WriteLine($"kill campaign: {trials} trials, seed {seed} (MPCSIGN_KILL_SEED)");
        var random = new Random(seed);
        foreach (var m in Killable.Where(m => !_cluster.IsRunning(m)))
        {
            _cluster.Start(m);
            _cluster.WaitUp(m);
        }
        var campaign = new KillCampaign(_client, Auth, Within);
        using var stop = new CancellationTokenSource();
        var drivers = Enumerable.Range(0, Drivers).Select(d => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested) await campaign.RunSessionAsync(d);
        })).ToArray();
        var kills = new Dictionary<string, int>();
        var peakKb = new Dictionary<string, long>();
        // trials overlap: up to MaxDown members restart at once (a member is killed again only once it is back up)
        var restarting = new ConcurrentDictionary<string, Task>();
        var restartSeconds = new ConcurrentBag<double>();
        var supervisorRestarts = new ConcurrentBag<string>();
        using var slots = new SemaphoreSlim(MaxDown);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var trial = 0; trial < trials; trial++)
        {
            await slots.WaitAsync();
            // as the deployment must: more seeds running than can be down at once (a first seed that finds no other
            // seed forms a cluster of its own)
            var seedsDown = SeedMembers.Count(restarting.ContainsKey);
            var candidates = Killable.Where(m => !restarting.ContainsKey(m) && (seedsDown < SeedMembers.Length - 1 || !SeedMembers.Contains(m))).ToArray();
            var victim = candidates[random.Next(candidates.Length)];
            await Task.Delay(random.Next(0, MaxPauseBeforeKillMs));
            peakKb[victim] = Math.Max(peakKb.GetValueOrDefault(victim), _cluster.PeakRssKb(victim));
            campaign.RecordKill(trial, victim);
            _cluster.Kill(victim);
            var restartClock = System.Diagnostics.Stopwatch.StartNew();
            _cluster.Start(victim);
            kills[victim] = kills.GetValueOrDefault(victim) + 1;
            var up = new TaskCompletionSource();
            restarting[victim] = up.Task;
            _ = Task.Run(() =>
            {
                try
                {
                    foreach (var again in _cluster.WaitUpRestartingOnExit(victim, 2)) supervisorRestarts.Add($"{victim} {again}");
                    restartSeconds.Add(restartClock.Elapsed.TotalSeconds);
                    up.SetResult();
                }
                catch (Exception e)
                {
                    up.SetException(e);
                }
                finally
                {
                    restarting.TryRemove(victim, out _);
                    slots.Release();
                }
            });
        }
        foreach (var pending in restarting.Values) await pending;
        campaign.KillsEnded();
        TestContext.Progress.WriteLine($"kill campaign: {trials} kills in {clock.Elapsed.TotalSeconds:F0} s; a killed member was up again after " +
            $"{restartSeconds.DefaultIfEmpty().Average():F1} s on average, {restartSeconds.DefaultIfEmpty().Max():F1} s at most");
        foreach (var again in supervisorRestarts)
            TestContext.Progress.WriteLine($"kill campaign: a restarted member exited before it was up and was started again (as its supervisor would): {again}");
        await stop.CancelAsync();
        await Task.WhenAll(drivers);
        foreach (var m in ClusterMembers.Names.Append("coordinator-2")) peakKb[m] = Math.Max(peakKb.GetValueOrDefault(m), _cluster.PeakRssKb(m));

        var byOutcome = campaign.Sessions.GroupBy(x => x.Outcome).ToDictionary(g => g.Key, g => g.Count());
        var (entries, sessions, rootMatches, logDetail) = KillCampaign.CheckLog(_database.ConnectionString);
        TestContext.Progress.WriteLine($"kill campaign: kills {string.Join(", ", kills.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}"))}; " +
            $"sessions {string.Join(", ", byOutcome.Select(o => $"{o.Key} {o.Value}"))}; log {entries} entries, {sessions} sessions, root matches {rootMatches} ({logDetail}); " +
            $"peak RSS kB {string.Join(", ", peakKb.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}"))}");
        foreach (var failed in campaign.Sessions.Where(x => x.Outcome != KillCampaign.Outcome.Completed).Take(20))
            TestContext.Progress.WriteLine($"  {failed.Outcome} {failed.Session}: {failed.Detail}");
        // per trial: the member killed, the step of each session in flight, and the worst outcome among those sessions
        var byTrial = campaign.Kills.GroupBy(k => campaign.OutcomeOf(k)?.ToString() ?? "no session in flight").ToDictionary(g => g.Key, g => g.Count());
        var bySteps = campaign.Kills.SelectMany(k => k.InFlight).GroupBy(f => f.Step[2..]).OrderBy(g => g.Key, StringComparer.Ordinal);
        TestContext.Progress.WriteLine($"kill campaign: trials {string.Join(", ", byTrial.Select(o => $"{o.Key} {o.Value}"))}; " +
            $"steps the sessions in flight were at when a member died: {string.Join(", ", bySteps.Select(g => $"{g.Key} {g.Count()}"))}");
        foreach (var k in campaign.Kills)
            TestContext.Out.WriteLine($"  trial {k.Index + 1}: {k.Member} killed; {campaign.OutcomeOf(k)?.ToString() ?? "no session in flight"}; " +
                string.Join("; ", k.InFlight.Select(f => $"{campaign.SessionOf(f.Session)} at {f.Step[2..]}")));

        Assert.That(campaign.Sessions.Where(x => x.Outcome == KillCampaign.Outcome.Broken).Select(x => $"{x.Session}: {x.Detail}"), Is.Empty,
            "broken sessions; what the members logged of them:\n" + string.Join("\n",
                campaign.Sessions.Where(x => x.Outcome == KillCampaign.Outcome.Broken).Take(3).Select(x => History(x.Session))));
        Assert.That(entries, Is.EqualTo(sessions), "one log entry per session");
        Assert.That(rootMatches, Is.True, logDetail);
        Assert.That(byOutcome.GetValueOrDefault(KillCampaign.Outcome.Completed), Is.GreaterThan(0), "sessions complete between the kills");
    }

    /// <summary>The last lines every member logged about one session (its audit trail across restarts), to explain a failure.</summary>
    private string History(string sessionHex)
    {
        var lines = new List<(DateTimeOffset At, string Line)>();
        foreach (var m in ClusterMembers.Names.Append("coordinator-2"))
        {
            try
            {
                foreach (var e in _cluster.LogEvents(m))
                {
                    var text = e.GetRawText();
                    if (!text.Contains(sessionHex, StringComparison.Ordinal)) continue;
                    var at = e.TryGetProperty("Timestamp", out var t) && t.TryGetDateTimeOffset(out var parsed) ? parsed : DateTimeOffset.MinValue;
                    lines.Add((at, $"  {m}: {(text.Length > 400 ? text[..400] + "..." : text)}"));
                }
            }
            catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
            {
                lines.Add((DateTimeOffset.MaxValue, $"  {m}: log unreadable ({e.Message})"));
            }
        }
        return sessionHex + ":\n" + string.Join("\n", lines.OrderBy(l => l.At).TakeLast(40).Select(l => l.Line));
    }

    /// <summary>Sessions of <see cref="ConcurrentSessions_AllOpenAtOnce_EachSignsOnceAndMembersStayBounded"/> by default.</summary>
    private const int DefaultConcurrentSessions = 1000;

    /// <summary>A member's peak resident memory that counts as bounded (several times what a member uses at rest).</summary>
    private const long MaxPeakRssKb = 768 * 1024;

    /// <summary>
    /// 1,000 sessions open at once on the cluster: every one is requested before any is approved (1,000 session actors
    /// live in the coordinator, each persisted in the shared journal), then the drivers' people approve them, at most
    /// <see cref="Drivers"/> approvals in flight (one authenticator's counter never races itself), which drives them to
    /// signing. Every session completes and is logged once, the log's root recomputed from scratch equals its last
    /// checkpoint, and each member's peak resident memory (VmHWM, printed) stays under <see cref="MaxPeakRssKb"/>.
    /// MPCSIGN_CONCURRENT_SESSIONS changes the count.
    /// </summary>
    [Test, Order(3)]
    public async Task ConcurrentSessions_AllOpenAtOnce_EachSignsOnceAndMembersStayBounded()
    {
        var count = int.TryParse(System.Environment.GetEnvironmentVariable("MPCSIGN_CONCURRENT_SESSIONS"), out var c) ? c : DefaultConcurrentSessions;
        foreach (var m in Killable.Where(m => !_cluster.IsRunning(m)))
        {
            _cluster.Start(m);
            _cluster.WaitUp(m);
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var digests = Enumerable.Range(0, count).Select(_ => RandomNumberGenerator.GetBytes(32)).ToArray();
        var sessions = new byte[count][];
        using (var requests = new SemaphoreSlim(64))
            await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
            {
                await requests.WaitAsync();
                try
                {
                    sessions[i] = (await Retry(() => _client.Client.RequestSigningAsync(digests[i], "artifact", "concurrent"))).SessionId.ToByteArray();
                }
                finally
                {
                    requests.Release();
                }
            }));
        var requested = clock.Elapsed;
        var open = 0;
        foreach (var s in sessions.Where((_, i) => i % 100 == 0))
            if ((await Retry(() => _client.Client.StatusAsync(s))).Phase == SessionPhase.AwaitingApprovals) open++;
        Assert.That(open, Is.EqualTo((count + 99) / 100), "sessions requested wait for approvals, all open at once");

        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Drivers).Select(d => Task.Run(async () =>
        {
            for (int i; (i = Interlocked.Increment(ref next)) < count;)
                foreach (var name in new[] { "Alice", "Bob", "Carol" })
                    await Retry(() => FlowCommands.ApproveAsync(_client, sessions[i], name, KillCampaign.Email(name, d), Auth));
        })));
        var phases = new SessionPhase[count];
        for (var i = 0; i < count; i++)
        {
            var deadline = DateTime.UtcNow + Within;
            var status = await Retry(() => _client.Client.StatusAsync(sessions[i]));
            while (status.Phase == SessionPhase.Signing && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
                status = await Retry(() => _client.Client.StatusAsync(sessions[i]));
            }
            phases[i] = status.Phase;
        }
        var peakKb = ClusterMembers.Names.Append("coordinator-2").ToDictionary(m => m, m => _cluster.PeakRssKb(m));
        var (entries, logged, rootMatches, logDetail) = KillCampaign.CheckLog(_database.ConnectionString);
        TestContext.Progress.WriteLine($"concurrent sessions: {count} requested in {requested.TotalSeconds:F1} s, all final in {clock.Elapsed.TotalSeconds:F1} s " +
            $"({count / clock.Elapsed.TotalSeconds:F1}/s); {string.Join(", ", phases.GroupBy(p => p).Select(g => $"{g.Key} {g.Count()}"))}; " +
            $"peak RSS kB {string.Join(", ", peakKb.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}"))}");

        Assert.That(phases.Count(p => p == SessionPhase.Completed), Is.EqualTo(count), "every session completes");
        var found = await Task.WhenAll(digests.Where((_, i) => i % 50 == 0).Select(d => Retry(() => _client.Client.FindLogEntriesAsync(d))));
        Assert.That(found.Select(f => f.Entries.Count), Is.All.EqualTo(1), "each session logged once");
        Assert.That(entries, Is.EqualTo(logged), "one log entry per session");
        Assert.That(rootMatches, Is.True, logDetail);
        Assert.That(peakKb.Where(p => p.Value > MaxPeakRssKb).Select(p => $"{p.Key} {p.Value} kB"), Is.Empty, "members' peak RSS bounded");
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

    [Test, Order(1)]
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
