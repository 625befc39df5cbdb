using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Cluster;

namespace MpcSigning.Hosting.Cluster;

/// <summary>
/// The FROST signers of a cluster: the signer actor (<c>/user/signer</c>) of each reachable member with the signer role,
/// ordered by address so that identifiers stay stable while the members do. A session waits (up to the service
/// timeout) for n such members; with fewer it fails its step, and the session retries it later.
/// </summary>
public sealed class ClusterSigners(ActorSystem system, int count, TimeSpan wait)
{
    public const string Role = "signer";
    public const string ActorName = "signer";

    private readonly ConcurrentDictionary<UniqueAddress, IActorRef> _resolved = new();

    public async Task<IReadOnlyList<IActorRef>> GetAsync(CancellationToken ct)
    {
        var cluster = global::Akka.Cluster.Cluster.Get(system);
        var deadline = DateTimeOffset.UtcNow + wait;
        while (true)
        {
            var state = cluster.State;
            var members = state.Members
                .Where(m => m.Status == MemberStatus.Up && m.HasRole(Role) && !state.Unreachable.Contains(m))
                .OrderBy(m => m.Address.ToString(), StringComparer.Ordinal)
                .ToArray();
            if (members.Length >= count)
                return await Task.WhenAll(members.Take(count).Select(m => ResolveAsync(m.UniqueAddress, ct)));
            if (DateTimeOffset.UtcNow >= deadline)
                throw new InvalidOperationException(
                    $"only {members.Length} of the {count} signer nodes are up and reachable; signing waits for the others");
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }
    }

    private async Task<IActorRef> ResolveAsync(UniqueAddress member, CancellationToken ct)
    {
        if (_resolved.TryGetValue(member, out var known)) return known;
        var path = new RootActorPath(member.Address) / "user" / ActorName;
        try
        {
            var signer = await system.ActorSelection(path).ResolveOne(wait, ct);
            return _resolved[member] = signer;
        }
        catch (ActorNotFoundException)
        {
            // still listed as up, but nothing answers there: killed or restarting, not yet seen as unreachable
            throw new InvalidOperationException(
                $"the signer member at {member.Address} did not answer within {wait.TotalSeconds:0} s (stopped or restarting); signing waits for it");
        }
    }
}
