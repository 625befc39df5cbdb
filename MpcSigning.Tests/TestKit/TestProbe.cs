using System.Threading.Channels;
using MpcSigning.Actors;

namespace MpcSigning.Tests.TestKit;

/// <summary>
/// Akka.TestKit's TestProbe: an actor ref whose inbox the test reads with expectations. Blocking by design, so
/// scenario tests read top to bottom.
/// </summary>
public sealed class TestProbe : IActorRef
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    private readonly Channel<(object Message, IActorRef Sender)> _inbox = Channel.CreateUnbounded<(object, IActorRef)>();

    public TestProbe(ActorSystem system, string name) => Path = new ActorPath(system.NodeName, "probe/" + name);

    public ActorPath Path { get; }

    /// <summary>Sender of the last message taken from the inbox.</summary>
    public IActorRef LastSender { get; private set; } = Nobody.Instance;

    public void Tell(object message, IActorRef? sender = null) => _inbox.Writer.TryWrite((message, sender ?? Nobody.Instance));

    /// <summary>Tells <paramref name="message"/> to <paramref name="target"/> with this probe as the sender.</summary>
    public void Send(IActorRef target, object message) => target.Tell(message, this);

    public void Reply(object message) => LastSender.Tell(message, this);

    /// <summary>The next message must be a <typeparamref name="T"/> (matching <paramref name="predicate"/>) within the timeout.</summary>
    public T ExpectMsg<T>(Func<T, bool>? predicate = null, TimeSpan? timeout = null)
    {
        var (message, _) = Receive(timeout ?? DefaultTimeout, $"a {typeof(T).Name}");
        if (message is not T typed)
            Assert.Fail($"{Path}: expected a {typeof(T).Name} but got {Describe(message)}");
        else if (predicate is not null && !predicate(typed))
            Assert.Fail($"{Path}: got {Describe(message)}, which does not match the expectation");
        return (T)message;
    }

    /// <summary>No message may arrive during <paramref name="duration"/>.</summary>
    public void ExpectNoMsg(TimeSpan duration)
    {
        using var cts = new CancellationTokenSource(duration);
        try
        {
            var (message, _) = _inbox.Reader.ReadAsync(cts.Token).AsTask().GetAwaiter().GetResult();
            Assert.Fail($"{Path}: expected no message for {duration.TotalMilliseconds} ms but got {Describe(message)}");
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Skips messages until one is a <typeparamref name="T"/> matching <paramref name="predicate"/>.</summary>
    public T FishForMessage<T>(Func<T, bool> predicate, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            var (message, _) = Receive(left > TimeSpan.Zero ? left : TimeSpan.Zero, $"a matching {typeof(T).Name}");
            if (message is T typed && predicate(typed)) return typed;
        }
    }

    /// <summary>Death watch from the probe: it receives <see cref="Terminated"/> when <paramref name="subject"/> stops.</summary>
    public void Watch(IActorRef subject)
    {
        if (subject is IInternalActorRef target) target.SendSystem(new WatchSystem(subject, this));
    }

    public Terminated ExpectTerminated(IActorRef subject, TimeSpan? timeout = null) =>
        ExpectMsg<Terminated>(t => t.ActorRef.Path == subject.Path, timeout);

    private (object Message, IActorRef Sender) Receive(TimeSpan timeout, string what)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var item = _inbox.Reader.ReadAsync(cts.Token).AsTask().GetAwaiter().GetResult();
            LastSender = item.Sender;
            return item;
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{Path}: timed out after {timeout.TotalMilliseconds:0} ms waiting for {what}");
            throw; // unreachable
        }
    }

    private static string Describe(object message) => $"{message.GetType().Name} ({message})";
}
