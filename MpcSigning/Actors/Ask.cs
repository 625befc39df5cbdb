using System.Runtime.ExceptionServices;

namespace MpcSigning.Actors;

public sealed class AskTimeoutException : TimeoutException
{
    public AskTimeoutException(string message) : base(message) { }
}

public static class AskExtensions
{
    private static long _counter;

    /// <summary>
    /// Request-reply: tells <paramref name="message"/> with a temporary sender and awaits the first reply. A
    /// <see cref="StatusFailure"/> reply rethrows its cause; no reply within <paramref name="timeout"/> throws
    /// <see cref="AskTimeoutException"/>.
    /// </summary>
    public static async Task<T> Ask<T>(this IActorRef target, object message, TimeSpan timeout, CancellationToken ct = default)
    {
        var promise = new PromiseActorRef(new ActorPath(target.Path.Node, "temp/$" + Interlocked.Increment(ref _counter).ToString("x")));
        target.Tell(message, promise);
        object reply;
        try
        {
            reply = await promise.Task.WaitAsync(timeout, ct);
        }
        catch (TimeoutException)
        {
            throw new AskTimeoutException($"no reply from {target.Path} to {message.GetType().Name} within {timeout.TotalSeconds:0.###} s");
        }
        return reply switch
        {
            T typed => typed,
            StatusFailure failure => Rethrow<T>(failure.Cause),
            _ => throw new InvalidCastException($"{target.Path} replied {reply.GetType().Name} to {message.GetType().Name}; expected {typeof(T).Name}"),
        };
    }

    private static T Rethrow<T>(Exception cause)
    {
        ExceptionDispatchInfo.Capture(cause).Throw();
        throw cause; // unreachable
    }

    /// <summary>The temporary sender of an Ask: completes on the first message and drops the rest.</summary>
    private sealed class PromiseActorRef(ActorPath path) : IActorRef
    {
        private readonly TaskCompletionSource<object> _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ActorPath Path { get; } = path;

        public Task<object> Task => _tcs.Task;

        public void Tell(object message, IActorRef? sender = null) => _tcs.TrySetResult(message);
    }
}
