using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using MpcSigning.Proto.Policy;

namespace MpcSigning.Policy;

/// <summary>
/// A cluster member's copy of the trust policy, for the synchronous hooks (<see cref="CaPolicyCheck"/>,
/// SessionPipeline.Policy, the coordinator's quorum rule): filled only by a <see cref="PolicyFollower"/>'s messages, so
/// reading it never waits. Three states: not heard yet (unknown), heard "no policy" (the deployment never ran
/// 'mpcsign policy init'), or a chain. It only moves forward: once a version is known, an answer with none or with
/// fewer versions, or a chain whose version 1 is not the one first seen, is ignored (logged), so a member never falls
/// back to working without the policy because the policy service restarted on an emptied data directory.
/// </summary>
public sealed class PolicyView
{
    private readonly object _gate = new();
    private volatile State? _state;

    private sealed record State(TrustPolicyChain Chain, byte[]? Pin);

    /// <summary>True once the policy service has answered at least once.</summary>
    public bool Known => _state is not null;

    /// <summary>True when the policy service answered and the deployment has no trust policy (never initialised).</summary>
    public bool KnownNone => _state is { Chain.Versions.Count: 0 };

    /// <summary>The current version; null when unknown or none.</summary>
    public TrustPolicy? Current => _state is { Chain.Versions.Count: > 0 } s ? s.Chain.Versions[^1].Policy : null;

    /// <summary>The chain (null when unknown or none).</summary>
    public TrustPolicyChain? Chain => _state is { Chain.Versions.Count: > 0 } s ? s.Chain : null;

    /// <summary>Takes an answer of the policy service; returns null when taken, else why it was ignored (one line).</summary>
    public string? Update(TrustPolicyChain chain)
    {
        lock (_gate)
        {
            var old = _state;
            if (chain.Versions.Count == 0)
            {
                if (old is { Pin: not null }) return $"the policy service answered with no trust policy, but v{old.Chain.Versions.Count} was in force; keeping it";
                _state = new State(chain, null);
                return null;
            }
            byte[] pin;
            try
            {
                pin = old?.Pin ?? PolicyDigest.Of(chain.Versions[0].Policy);
                PolicyChain.Verify(chain, pin);
            }
            catch (PolicyException e)
            {
                return "the policy service's chain does not verify from the version 1 this member saw first: " + e.Message;
            }
            if (old is { Pin: not null } && chain.Versions.Count < old.Chain.Versions.Count)
                return $"the policy service answered with v{chain.Versions.Count}, older than v{old.Chain.Versions.Count}; keeping the newer";
            _state = new State(chain.Clone(), pin);
            return null;
        }
    }
}

/// <summary>
/// Keeps a <see cref="PolicyView"/> current: asks the policy service (<paramref name="policyService"/>, the singleton
/// proxy) when it starts, every <paramref name="refresh"/> (bounded), and whenever a <see cref="TrustPolicyChanged"/>
/// arrives on the "trust-policy" topic. Asks are plain Tells; the answer is just another message, so nothing blocks.
/// </summary>
public sealed class PolicyFollower : ReceiveActor, IWithTimers
{
    private sealed class Refresh
    {
        public static readonly Refresh Instance = new();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="subscribe">Subscribes to the change topic (null: the cluster's distributed pub-sub).</param>
    public PolicyFollower(IActorRef policyService, PolicyView view, TimeSpan refresh, bool subscribe = true)
    {
        if (refresh <= TimeSpan.Zero || refresh > TimeSpan.FromMinutes(5))
            throw new ArgumentOutOfRangeException(nameof(refresh), "the refresh interval must be positive and at most five minutes");
        Receive<Refresh>(_ => policyService.Tell(new GetTrustPolicy { RequestId = Guid.NewGuid().ToString("N") }));
        Receive<TrustPolicyChanged>(_ => Self.Tell(Refresh.Instance));
        Receive<SubscribeAck>(_ => { });
        Receive<TrustPolicyState>(m =>
        {
            var before = view.Current?.Version;
            if (view.Update(m.Chain) is { } ignored) Serilog.Log.Warning("trust policy answer ignored: {Reason}", ignored);
            else if (view.Current?.Version != before && view.Current is { } now)
                Serilog.Log.Information("trust policy v{Version} in force ({Fingerprint})", now.Version, PolicyDigest.Fingerprint(now));
        });
        _subscribe = subscribe;
        _refresh = refresh;
    }

    private readonly bool _subscribe;
    private readonly TimeSpan _refresh;

    protected override void PreStart()
    {
        if (_subscribe) DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(PolicyActor.Topic, Self));
        Timers.StartPeriodicTimer("refresh", Refresh.Instance, TimeSpan.Zero, _refresh);
    }
}
