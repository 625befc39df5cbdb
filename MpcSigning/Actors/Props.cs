namespace MpcSigning.Actors;

/// <summary>How to create (and re-create, on restart) an actor.</summary>
public sealed class Props
{
    internal Func<ActorBase> Factory { get; }

    private Props(Func<ActorBase> factory) => Factory = factory;

    /// <summary>The factory runs again on every restart, so the new instance rebuilds its state in PreStart.</summary>
    public static Props Create<TActor>(Func<TActor> factory) where TActor : ActorBase => new(factory);

    public static Props Create<TActor>() where TActor : ActorBase, new() => new(() => new TActor());
}
