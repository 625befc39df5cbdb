using System.Collections.Concurrent;
using System.Security.Cryptography;
using MpcSigning.Cli;
using MpcSigning.Hosting;
using MpcSigning.Hosting.Cluster;
using MpcSigning.Proto.Coordinator;
using MpcSigning.TLog.Checkpoints;
using MpcSigning.TLog.Merkle;
using Npgsql;

namespace MpcSigning.Tests.Cluster;

/// <summary>
/// The kill campaign's bookkeeping: sessions driven while members are killed, each recorded as completed, cleanly failed
/// (with its reason) or broken, and the invariants checked on the shared store at the end.
/// </summary>
internal sealed class KillCampaign(ClusterConnection client, string authenticators, TimeSpan settleWithin)
{
    public enum Outcome { Completed, CleanlyFailed, NotStarted, Broken }

    /// <summary>What became of one session driven during the campaign.</summary>
    public sealed record SessionResult(string Session, Outcome Outcome, string Detail, IReadOnlyList<string> Acknowledged);

    /// <summary>One trial: the member killed, and the step each session in flight was at when it died.</summary>
    public sealed record Kill(int Index, string Member, IReadOnlyList<(string Session, string Step)> InFlight);

    public ConcurrentBag<SessionResult> Sessions { get; } = [];

    public ConcurrentQueue<Kill> Kills { get; } = [];

    /// <summary>Each driver's session and the step it is at (request, an approval, or the phase it was last seen in).</summary>
    private readonly ConcurrentDictionary<int, (string Session, string Step)> _steps = new();

    private readonly ConcurrentDictionary<string, string> _requestedAs = new();

    /// <summary>Records trial <paramref name="index"/>: <paramref name="member"/> is being killed now.</summary>
    public void RecordKill(int index, string member) =>
        Kills.Enqueue(new Kill(index, member, _steps.Values.OrderBy(s => s.Step, StringComparer.Ordinal).ToList()));

    /// <summary>The session an in-flight entry stands for (one killed during its request: the session the request made).</summary>
    public string SessionOf(string inFlight) => _requestedAs.GetValueOrDefault(inFlight, inFlight);

    /// <summary>
    /// A trial's outcome: the worst outcome among the sessions in flight when its member was killed (broken, then cleanly
    /// failed or not started, then completed); null when no session was in flight.
    /// </summary>
    public Outcome? OutcomeOf(Kill kill)
    {
        var outcomes = kill.InFlight
            .Select(f => SessionOf(f.Session))
            .Select(session => Sessions.FirstOrDefault(r => r.Session == session)?.Outcome ?? Outcome.NotStarted).ToList();
        if (outcomes.Count == 0) return null;
        if (outcomes.Contains(Outcome.Broken)) return Outcome.Broken;
        if (outcomes.Contains(Outcome.CleanlyFailed)) return Outcome.CleanlyFailed;
        return outcomes.Contains(Outcome.NotStarted) ? Outcome.NotStarted : Outcome.Completed;
    }

    private long _killsEndedTicks; // 0 while members are still being killed

    /// <summary>
    /// The kills are over and every killed member is up again: from now on each session in flight has
    /// <paramref name="settleWithin"/> to reach its final state. While members are still being killed a session may wait
    /// longer (each signing attempt can meet another kill); that is progress delayed, not a session broken.
    /// </summary>
    public void KillsEnded() => Interlocked.Exchange(ref _killsEndedTicks, DateTime.UtcNow.Ticks);

    /// <summary>When a session that started settling at <paramref name="from"/> must be final.</summary>
    private DateTime SettleDeadline(DateTime from) =>
        Interlocked.Read(ref _killsEndedTicks) is var ended and > 0
            ? new DateTime(Math.Max(from.Ticks, ended), DateTimeKind.Utc) + settleWithin
            : DateTime.MaxValue;

    /// <summary>One session by one driver's three people, start to final state, retrying what a kill interrupted.</summary>
    public async Task RunSessionAsync(int driver)
    {
        var digest = RandomNumberGenerator.GetBytes(32);
        var pending = "request " + Convert.ToHexStringLower(digest)[..8];
        _steps[driver] = (pending, "0 request");
        byte[] session;
        try
        {
            session = (await Retry(() => client.Client.RequestSigningAsync(digest, "artifact", "campaign"))).SessionId.ToByteArray();
        }
        catch (Exception e) when (e is ServiceRefusedException || e.GetBaseException() is Akka.Actor.AskTimeoutException or TimeoutException)
        {
            Sessions.Add(new SessionResult(pending, Outcome.NotStarted, "request not acknowledged: " + e.GetBaseException().Message, []));
            _steps.TryRemove(driver, out _);
            return;
        }
        var hex = Convert.ToHexStringLower(session);
        _requestedAs[pending] = hex; // a kill during the request counts the session it made
        var step = 0;
        var acknowledged = new List<string>();
        string? refused = null;
        foreach (var name in new[] { "Alice", "Bob", "Carol" })
        {
            var email = Email(name, driver);
            _steps[driver] = (hex, $"{++step} approval by {name}");
            try
            {
                await Retry(() => FlowCommands.ApproveAsync(client, session, name, email, authenticators));
                acknowledged.Add(email);
            }
            catch (ServiceRefusedException e)
            {
                // e.g. the approval landed before a kill cut its reply and the retry is refused as a repeat; the final
                // status below decides whether it counted
                refused = e.Error.Code + ": " + e.Message;
            }
            catch (Exception e) when (e.GetBaseException() is Akka.Actor.AskTimeoutException or TimeoutException)
            {
                refused = "approval timed out: " + e.GetBaseException().Message;
            }
        }
        Sessions.Add(await SettleAsync(session, hex, digest, acknowledged, refused, driver));
        _steps.TryRemove(driver, out _);
    }

    /// <summary>Polls the session until it is final (signing resumes at its next message), then checks it.</summary>
    private async Task<SessionResult> SettleAsync(byte[] session, string hex, byte[] digest, List<string> acknowledged, string? refused, int driver)
    {
        _steps[driver] = (hex, "4 after the approvals");
        var from = DateTime.UtcNow;
        SessionStatus? status = null;
        while (DateTime.UtcNow < SettleDeadline(from))
        {
            try
            {
                status = await client.Client.StatusAsync(session);
                _steps[driver] = (hex, "4 after the approvals, " + status.Phase);
                if (status.Phase is SessionPhase.Completed or SessionPhase.Failed or SessionPhase.Expired) break;
                if (status.Phase == SessionPhase.AwaitingApprovals && refused is not null && status.Approvers.Count < 3)
                    break; // an approval was refused for good: the session waits for approvals (clean, with the reason)
            }
            catch (Exception e) when (e is ServiceRefusedException || e.GetBaseException() is Akka.Actor.AskTimeoutException or TimeoutException)
            {
            }
            await Task.Delay(250);
        }
        if (status is null) return new SessionResult(hex, Outcome.Broken, "no status within the settle time", acknowledged);
        var approvers = status.Approvers.Select(a => a.Email).ToHashSet();
        var lost = acknowledged.Where(a => !approvers.Contains(a)).ToList();
        if (lost.Count > 0) return new SessionResult(hex, Outcome.Broken, "acknowledged approvals lost: " + string.Join(", ", lost), acknowledged);
        var entries = (await Retry(() => client.Client.FindLogEntriesAsync(digest))).Entries;
        if (entries.Count > 1) return new SessionResult(hex, Outcome.Broken, $"logged {entries.Count} times", acknowledged);
        return status.Phase switch
        {
            SessionPhase.Completed when entries.Count == 1 && entries[0].LogIndex == status.LogIndex =>
                new SessionResult(hex, Outcome.Completed, $"log index {status.LogIndex}", acknowledged),
            SessionPhase.Completed => new SessionResult(hex, Outcome.Broken, "completed but not in the log", acknowledged),
            SessionPhase.Failed or SessionPhase.Expired when entries.Count == 0 =>
                new SessionResult(hex, Outcome.CleanlyFailed, $"{status.Phase}: {status.Failure?.Message}", acknowledged),
            SessionPhase.AwaitingApprovals when refused is not null && entries.Count == 0 =>
                new SessionResult(hex, Outcome.CleanlyFailed, "approval refused: " + refused, acknowledged),
            _ => new SessionResult(hex, Outcome.Broken,
                $"{status.Phase} after the settle time ({entries.Count} log entries){(status.Failure is { } f ? ": " + f.Message : "")}", acknowledged),
        };
    }

    public static string Email(string name, int driver) => $"{name.ToLowerInvariant()}-{driver}@example.com";

    /// <summary>Requests time out while a killed member restarts or a singleton moves: retried within the settle time.</summary>
    private async Task<T> Retry<T>(Func<Task<T>> call)
    {
        var deadline = DateTime.UtcNow + settleWithin;
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

    /// <summary>
    /// The log in the shared database: entries, distinct sessions, and whether the root recomputed from every stored
    /// entry (RFC 9162 leaf and node hashes, from scratch) equals the root of the newest checkpoint, whose size must match.
    /// </summary>
    public static (long Entries, long DistinctSessions, bool RootMatches, string Detail) CheckLog(string connectionString)
    {
        using var c = new NpgsqlConnection(connectionString);
        c.Open();
        long entries, sessions;
        using (var q = new NpgsqlCommand("SELECT COUNT(*), COUNT(DISTINCT session_id) FROM tlog_entries", c))
        using (var r = q.ExecuteReader())
        {
            r.Read();
            (entries, sessions) = (r.GetInt64(0), r.GetInt64(1));
        }
        var leaves = new List<byte[]>();
        using (var q = new NpgsqlCommand("SELECT idx, body FROM tlog_entries ORDER BY idx", c))
        using (var r = q.ExecuteReader())
            while (r.Read())
            {
                if (r.GetInt64(0) != leaves.Count) return (entries, sessions, false, $"index {leaves.Count} missing");
                leaves.Add(Rfc9162.HashLeaf((byte[])r.GetValue(1)));
            }
        string note;
        using (var q = new NpgsqlCommand("SELECT note FROM tlog_checkpoints ORDER BY size DESC LIMIT 1", c))
            note = q.ExecuteScalar() as string ?? "";
        var body = note.Split("\n\n")[0] + "\n";
        var checkpoint = Checkpoint.TryParse(body, out var error);
        if (checkpoint is null) return (entries, sessions, false, "newest checkpoint unreadable: " + error);
        var root = Root(leaves, 0, leaves.Count);
        var ok = checkpoint.Size == leaves.Count && root.AsSpan().SequenceEqual(checkpoint.RootHash);
        return (entries, sessions, ok, $"checkpoint size {checkpoint.Size}, {leaves.Count} entries");
    }

    private static byte[] Root(List<byte[]> leaves, int from, int n)
    {
        if (n == 0) return Rfc9162.EmptyRoot();
        if (n == 1) return leaves[from];
        var k = (int)Rfc9162.SplitPoint(n);
        return Rfc9162.HashChildren(Root(leaves, from, k), Root(leaves, from + k, n - k));
    }
}
