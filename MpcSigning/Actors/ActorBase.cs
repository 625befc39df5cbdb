namespace MpcSigning.Actors;

/// <summary>
/// Base of every actor. The kernel calls <see cref="ReceiveAsync"/> strictly one message at a time; an async
/// handler holds the mailbox until its task completes, so state needs no locks.
/// </summary>
public abstract class ActorBase
{
    private ActorCell? _cell;

    /// <summary>The actor's context; valid from PreStart on, only on the actor's own turn.</summary>
    protected IActorContext Context => _cell ?? throw new InvalidOperationException("an actor's Context exists only once the kernel has created it");

    protected IActorRef Self => Context.Self;

    /// <summary>The sender of the message being handled (Nobody when there is none).</summary>
    protected IActorRef Sender => Context.Sender;

    internal void Attach(ActorCell cell) => _cell = cell;

    // The kernel's entry points into the protected hooks.
    internal Task<bool> InvokeReceive(object message) => ReceiveAsync(message);
    internal Task InvokePreStart() => PreStartAsync();
    internal void InvokePostStop() => PostStop();
    internal OneForOneStrategy InvokeSupervisorStrategy() => SupervisorStrategy();
    internal void InvokeUnhandled(object message) => Unhandled(message);

    /// <summary>Handles one message. Return false for a message the actor does not handle (it goes to Unhandled).</summary>
    protected abstract Task<bool> ReceiveAsync(object message);

    /// <summary>Runs before the first message, and again on the new instance after a restart: rebuild state here.</summary>
    protected virtual Task PreStartAsync() => Task.CompletedTask;

    /// <summary>Runs after the actor stopped (also for the old instance on restart).</summary>
    protected virtual void PostStop() { }

    /// <summary>How this actor supervises its children.</summary>
    protected virtual OneForOneStrategy SupervisorStrategy() => OneForOneStrategy.Default;

    /// <summary>A message nobody handled: logged as a dead letter.</summary>
    protected virtual void Unhandled(object message) => Context.System.DeadLetter(message, Sender, Self);
}

/// <summary>
/// Akka.NET's ReceiveActor shape: register typed handlers in the constructor with Receive&lt;T&gt; / ReceiveAsync&lt;T&gt;.
/// </summary>
public abstract class ReceiveActor : ActorBase
{
    private readonly List<(Type Type, Func<object, bool> Predicate, Func<object, Task> Handler)> _handlers = new();

    protected void Receive<T>(Action<T> handler, Func<T, bool>? predicate = null) =>
        _handlers.Add((typeof(T), o => predicate?.Invoke((T)o) ?? true, o => { handler((T)o); return Task.CompletedTask; }));

    protected void ReceiveAsync<T>(Func<T, Task> handler, Func<T, bool>? predicate = null) =>
        _handlers.Add((typeof(T), o => predicate?.Invoke((T)o) ?? true, o => handler((T)o)));

    protected sealed override async Task<bool> ReceiveAsync(object message)
    {
        foreach (var (type, predicate, handler) in _handlers)
        {
            if (!type.IsInstanceOfType(message) || !predicate(message)) continue;
            await handler(message);
            return true;
        }
        return false;
    }
}
