using MpcSigning.AuthN.Software;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Hosting;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Coordinator;

namespace MpcSigning.Benchmarks;

/// <summary>
/// Whole sessions as the CLI drives them (request, three approvals whose assertions a software authenticator makes,
/// then DKG, certificate, signature and durable log append behind the last approval), on a node or a cluster client.
/// Each in-flight slot has its own three approvers, so approvals race only on the node, not on one authenticator's counter.
/// </summary>
internal static class BenchSessions
{
    public static (string Name, Role Role)[] Approvers(int slot) =>
        [($"Alice{slot}", Role.Engineer), ($"Bob{slot}", Role.Steward), ($"Carol{slot}", Role.Steward)];

    /// <summary><paramref name="count"/> sessions, at most <paramref name="inFlight"/> at a time.</summary>
    public static Task RunAsync(NodeClient client, RelyingParty rp, string auth, int inFlight, int count)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, inFlight).Select(async slot =>
        {
            while (Interlocked.Increment(ref next) < count) await OneAsync(client, rp, auth, slot);
        }));
    }

    /// <summary>
    /// One whole session with the approvers of <paramref name="slot"/>. Returns the time spent waiting for the node
    /// (the request and the three approvals), without the time the software authenticators take to make their
    /// assertions (issue 13: "the three client-side assertions may be made before the clock starts").
    /// </summary>
    internal static async Task<TimeSpan> OneAsync(NodeClient client, RelyingParty rp, string auth, int slot)
    {
        var digest = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        var requested = await client.RequestSigningAsync(digest, "artifact", "bench");
        var server = System.Diagnostics.Stopwatch.GetElapsedTime(start);
        var session = requested.SessionId.ToByteArray();
        SessionStatus status = null!;
        foreach (var (name, _) in Approvers(slot))
        {
            var email = BenchNode.Email(name);
            var assertion = SoftwareAuthenticator.Load(auth, email).GetAssertion(requested.Challenge.ToByteArray(), rp);
            start = System.Diagnostics.Stopwatch.GetTimestamp();
            status = await client.ApproveAsync(session, email, assertion);
            server += System.Diagnostics.Stopwatch.GetElapsedTime(start);
        }
        if (status.Phase != SessionPhase.Completed) throw new InvalidOperationException($"session ended {status.Phase}: {status.Failure?.Message}");
        return server;
    }
}
