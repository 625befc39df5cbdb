using System.Collections.Concurrent;
using System.Threading.Channels;

namespace MpcSigning.Actors;

/// <summary>
/// The kernel's runtime for one actor: its mailbox (a channel), its run loop, its children and watchers.
/// The loop takes system messages first, then one user message at a time, awaiting async handlers to completion.
/// </summary>
internal sealed partial class ActorCell : IInternalActorRef, IActorContext
{
    private readonly record struct Envelope(object? Message, IActorRef Sender);

    private readonly Props _props;
    private readonly ActorCell? _parent;
    private readonly Channel<Envelope> _mailbox =
        Channel.CreateUnbounded<Envelope>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentQueue<SystemMessage> _systemQueue = new();
    private readonly ConcurrentDictionary<string, ActorCell> _children = new();
    private readonly TaskCompletionSource _terminatedTcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ActorBase _actor = null!;
    private IActorRef _sender = Nobody.Instance;
    private int _nameCounter;

    internal ActorCell(ActorSystem system, ActorCell? parent, ActorPath path, Props props)
    {
        System = system;
        _parent = parent;
        Path = path;
        _props = props;
    }

    public ActorPath Path { get; }

    public ActorSystem System { get; }

    public IActorRef Self => this;

    public IActorRef Sender => _sender;

    public IActorRef Parent => (IActorRef?)_parent ?? Nobody.Instance;

    public IReadOnlyCollection<IActorRef> Children => _children.Values.ToArray();

    public bool IsTerminated => _terminatedTcs.Task.IsCompleted;

    internal Task Terminated => _terminatedTcs.Task;

    internal RestartStatistics RestartStats { get; } = new();

    internal void Start() => _ = Task.Run(RunAsync);

    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!_mailbox.Writer.TryWrite(new Envelope(message, sender ?? Nobody.Instance)))
            System.DeadLetter(message, sender ?? Nobody.Instance, this);
    }

    public void SendSystem(SystemMessage message)
    {
        if (message is WatchSystem or UnwatchSystem)
        {
            HandleWatchRegistration(message);
            return;
        }
        _systemQueue.Enqueue(message);
        _mailbox.Writer.TryWrite(new Envelope(null, Nobody.Instance)); // wake the loop; a no-op once stopped
    }

    private async Task RunAsync()
    {
        if (!await StartInstanceAsync()) return;
        var reader = _mailbox.Reader;
        while (!IsTerminated)
        {
            await DrainSystemAsync();
            if (IsTerminated) return;
            if (!reader.TryRead(out var envelope))
            {
                if (!await reader.WaitToReadAsync()) return;
                continue;
            }
            if (envelope.Message is not null) await InvokeAsync(envelope.Message, envelope.Sender);
        }
    }

    private async Task InvokeAsync(object message, IActorRef sender)
    {
        _sender = sender;
        try
        {
            if (message is PoisonPill)
            {
                await StopSelfAsync();
                return;
            }
            if (!await _actor.InvokeReceive(message)) _actor.InvokeUnhandled(message);
        }
        catch (Exception e)
        {
            await HandleFailureAsync(e);
        }
        finally
        {
            _sender = Nobody.Instance;
        }
    }

    private async Task DrainSystemAsync()
    {
        while (!IsTerminated && _systemQueue.TryDequeue(out var message))
        {
            switch (message)
            {
                case StopSystem:
                    await StopSelfAsync();
                    break;
                case FailedSystem failed:
                    await SuperviseAsync(failed.Child, failed.Cause);
                    break;
                case ChildStoppedSystem stopped:
                    _children.TryRemove(new KeyValuePair<string, ActorCell>(stopped.Child.Path.Name, stopped.Child));
                    break;
                case DeathNotificationSystem death:
                    if (_watching.Remove(death.Dead)) await InvokeAsync(new Terminated(death.Dead), death.Dead);
                    break;
            }
        }
    }

    public IActorRef ActorOf(Props props, string? name = null)
    {
        name ??= "$" + Interlocked.Increment(ref _nameCounter).ToString("x");
        if (name.Length == 0 || name.Contains('/'))
            throw new ArgumentException($"actor name '{name}' must be non-empty and contain no '/'", nameof(name));
        var child = new ActorCell(System, this, Path.Child(name), props);
        if (!_children.TryAdd(name, child))
            throw new InvalidOperationException($"an actor named '{name}' already exists under {Path}");
        child.Start();
        return child;
    }

    public IActorRef? Child(string name) => _children.TryGetValue(name, out var c) ? c : null;

    internal ActorCell? ChildCell(string name) => _children.TryGetValue(name, out var c) ? c : null;

    public void Stop(IActorRef actor)
    {
        if (actor is IInternalActorRef internalRef) internalRef.SendSystem(new StopSystem());
    }

    public override string ToString() => Path.ToString();
}
