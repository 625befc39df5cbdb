namespace MpcSigning.Actors;

/// <summary>Delivered to a watcher when an actor it watches has stopped (death watch).</summary>
public sealed record Terminated(IActorRef ActorRef);

/// <summary>Stops the receiving actor after the messages queued before it.</summary>
public sealed class PoisonPill
{
    public static readonly PoisonPill Instance = new();
    private PoisonPill() { }
}

/// <summary>Reply carrying a failure; Ask rethrows its cause.</summary>
public sealed record StatusFailure(Exception Cause);

/// <summary>Kernel-internal messages, processed before any user message.</summary>
internal abstract record SystemMessage;

internal sealed record WatchSystem(IActorRef Watchee, IActorRef Watcher) : SystemMessage;

internal sealed record UnwatchSystem(IActorRef Watchee, IActorRef Watcher) : SystemMessage;

internal sealed record StopSystem : SystemMessage;

/// <summary>A child failed while handling a message; its parent's strategy decides what happens to it.</summary>
internal sealed record FailedSystem(ActorCell Child, Exception Cause) : SystemMessage;

internal sealed record ChildStoppedSystem(ActorCell Child) : SystemMessage;

/// <summary>Sent to a watched actor's watchers; becomes a user-level <see cref="Terminated"/>.</summary>
internal sealed record DeathNotificationSystem(IActorRef Dead) : SystemMessage;
