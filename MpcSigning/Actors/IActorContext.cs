namespace MpcSigning.Actors;

/// <summary>What an actor can do on its own turn.</summary>
public interface IActorContext
{
    IActorRef Self { get; }

    IActorRef Sender { get; }

    IActorRef Parent { get; }

    ActorSystem System { get; }

    IReadOnlyCollection<IActorRef> Children { get; }

    /// <summary>Creates a child at Self.Path/name (a generated name when null). Names are unique among siblings.</summary>
    IActorRef ActorOf(Props props, string? name = null);

    IActorRef? Child(string name);

    /// <summary>Death watch: <paramref name="subject"/>'s stop is delivered to this actor as <see cref="Terminated"/>.</summary>
    void Watch(IActorRef subject);

    void Unwatch(IActorRef subject);

    /// <summary>Stops self or a child after its current message.</summary>
    void Stop(IActorRef actor);

    /// <summary>Tells <paramref name="message"/> to Self after <paramref name="delay"/>; cancelled automatically when the actor stops.</summary>
    ICancelable ScheduleTellOnce(TimeSpan delay, object message);
}

public interface ICancelable
{
    void Cancel();
}
