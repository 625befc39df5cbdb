namespace MpcSigning.Actors;

/// <summary>A handle to an actor, local or (later) remote. Tell never blocks and never throws for a dead target.</summary>
public interface IActorRef
{
    ActorPath Path { get; }

    void Tell(object message, IActorRef? sender = null);
}

/// <summary>Refs the kernel can also deliver system messages to (watch, stop) and ask whether they are gone.</summary>
internal interface IInternalActorRef : IActorRef
{
    void SendSystem(SystemMessage message);

    bool IsTerminated { get; }
}

/// <summary>The sender of a message that has no sender. Messages told to it are dropped.</summary>
public sealed class Nobody : IActorRef
{
    public static readonly Nobody Instance = new();

    public ActorPath Path { get; } = new("-", "nobody");

    public void Tell(object message, IActorRef? sender = null) { }

    public override string ToString() => "Nobody";
}
