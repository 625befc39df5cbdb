using Serilog;

namespace MpcSigning.Actors;

/// <summary>
/// The actor system of one node: top-level actors live under <c>node/user</c>. Resolve finds an actor by address;
/// addresses on other nodes go to the remote resolver that the transport installs (none in a single process).
/// </summary>
public sealed class ActorSystem : IAsyncDisposable
{
    private readonly ActorCell _guardian;
    private long _deadLetters;

    private ActorSystem(string nodeName)
    {
        if (string.IsNullOrWhiteSpace(nodeName) || nodeName.Contains('/'))
            throw new ArgumentException($"node name '{nodeName}' must be non-empty and contain no '/'", nameof(nodeName));
        NodeName = nodeName;
        _guardian = new ActorCell(this, null, new ActorPath(nodeName, "user"), Props.Create<GuardianActor>());
        _guardian.Start();
    }

    public string NodeName { get; }

    public long DeadLetterCount => Interlocked.Read(ref _deadLetters);

    /// <summary>Resolves addresses on other nodes; installed by the transport. Null: single-process node.</summary>
    public Func<ActorPath, IActorRef?>? RemoteResolver { get; set; }

    public static ActorSystem Create(string nodeName) => new(nodeName);

    /// <summary>Creates a top-level actor at node/user/name.</summary>
    public IActorRef ActorOf(Props props, string? name = null) => _guardian.ActorOf(props, name);

    /// <summary>Finds an actor by address; null when there is none (or it has stopped).</summary>
    public IActorRef? Resolve(ActorPath path)
    {
        if (path.Node != NodeName) return RemoteResolver?.Invoke(path);
        var segments = path.Path.Split('/');
        if (segments.Length == 0 || segments[0] != "user") return null;
        var cell = _guardian;
        foreach (var name in segments.Skip(1))
        {
            cell = cell.ChildCell(name);
            if (cell is null) return null;
        }
        return cell.IsTerminated ? null : cell;
    }

    /// <summary>Stops an actor after its current message; its children stop first.</summary>
    public void Stop(IActorRef actor)
    {
        if (actor is IInternalActorRef internalRef) internalRef.SendSystem(new StopSystem());
    }

    /// <summary>Stops an actor and waits until it has stopped; false on timeout.</summary>
    public async Task<bool> GracefulStop(IActorRef actor, TimeSpan timeout)
    {
        if (actor is not ActorCell cell) return false;
        cell.Tell(PoisonPill.Instance);
        try
        {
            await cell.Terminated.WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Tells <paramref name="message"/> to <paramref name="receiver"/> after <paramref name="delay"/>.</summary>
    public ICancelable ScheduleTellOnce(TimeSpan delay, IActorRef receiver, object message, IActorRef? sender = null) =>
        new ScheduledTell(delay, receiver, message, sender);

    internal void DeadLetter(object message, IActorRef sender, IActorRef recipient)
    {
        Interlocked.Increment(ref _deadLetters);
        Log.Debug("Dead letter {MessageType} from {Sender} to {Recipient}", message.GetType().Name, sender.Path, recipient.Path);
    }

    /// <summary>Stops every actor (children before parents) and waits for them.</summary>
    public async Task TerminateAsync()
    {
        _guardian.SendSystem(new StopSystem());
        await _guardian.Terminated;
    }

    public ValueTask DisposeAsync() => new(TerminateAsync());

    private sealed class GuardianActor : ActorBase
    {
        protected override Task<bool> ReceiveAsync(object message) => Task.FromResult(false);
    }
}
