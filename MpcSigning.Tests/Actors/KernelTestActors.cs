using MpcSigning.Actors;

namespace MpcSigning.Tests.Actors;

internal sealed record Work(int N);
internal sealed record Done(int N);
internal sealed record Crash(string Why);
internal sealed record GetState;
internal sealed record State(int Count, int Starts);
internal sealed record SpawnChild(string Name, Props Props);
internal sealed record Later(string Text);

/// <summary>Replies Done(n) after an await; tracks how many handlers run at once.</summary>
internal sealed class EchoActor : ReceiveActor
{
    public static int Concurrent;
    public static int MaxConcurrent;

    public EchoActor()
    {
        ReceiveAsync<Work>(async w =>
        {
            var now = Interlocked.Increment(ref Concurrent);
            InterlockedMax(ref MaxConcurrent, now);
            await Task.Delay(1);
            Interlocked.Decrement(ref Concurrent);
            Sender.Tell(new Done(w.N), Self);
        });
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}

/// <summary>Keeps a count in a "store" (shared object) and rebuilds its view of it in PreStart, like a session actor.</summary>
internal sealed class StatefulActor : ReceiveActor
{
    public sealed class Store
    {
        public int Persisted;
        public int Starts;
    }

    private int _count;

    public StatefulActor(Store store)
    {
        Receive<Work>(_ => store.Persisted = ++_count);
        Receive<Crash>(c => throw new InvalidOperationException(c.Why));
        Receive<GetState>(_ => Sender.Tell(new State(_count, store.Starts)));
        _store = store;
    }

    private readonly Store _store;

    protected override Task PreStartAsync()
    {
        _store.Starts++;
        _count = _store.Persisted;
        return Task.CompletedTask;
    }
}

/// <summary>A parent with a configurable strategy that creates children on request and reports Terminated.</summary>
internal sealed class ParentActor : ReceiveActor
{
    private readonly OneForOneStrategy _strategy;

    public ParentActor(OneForOneStrategy strategy, IActorRef reportTo)
    {
        _strategy = strategy;
        Receive<SpawnChild>(s =>
        {
            var child = Context.ActorOf(s.Props, s.Name);
            Context.Watch(child);
            Sender.Tell(child);
        });
        Receive<Terminated>(t => reportTo.Tell(t));
    }

    protected override OneForOneStrategy SupervisorStrategy() => _strategy;
}

/// <summary>Schedules a message to itself and forwards it when it arrives.</summary>
internal sealed class TimerActor : ReceiveActor
{
    public TimerActor(IActorRef reportTo, TimeSpan delay)
    {
        Receive<Later>(l => reportTo.Tell(l));
        _delay = delay;
    }

    private readonly TimeSpan _delay;

    protected override Task PreStartAsync()
    {
        Context.ScheduleTellOnce(_delay, new Later("tick"));
        return Task.CompletedTask;
    }
}
