namespace MpcSigning.Actors;

/// <summary>What a parent does with a child that threw while handling a message.</summary>
public enum Directive
{
    /// <summary>Keep the instance and its state; drop the failing message.</summary>
    Resume,
    /// <summary>Replace the instance (its PreStart rebuilds state from its store); drop the failing message.</summary>
    Restart,
    /// <summary>Stop the child; watchers get Terminated.</summary>
    Stop,
    /// <summary>Fail the parent with the same exception.</summary>
    Escalate,
}

/// <summary>One-for-one supervision: the decision applies to the failing child only.</summary>
public sealed class OneForOneStrategy
{
    private readonly Func<Exception, Directive> _decider;

    /// <param name="maxRetries">Restarts allowed within <paramref name="window"/>; beyond that the child is stopped.</param>
    public OneForOneStrategy(int maxRetries, TimeSpan window, Func<Exception, Directive> decider)
    {
        MaxRetries = maxRetries;
        Window = window;
        _decider = decider;
    }

    public int MaxRetries { get; }

    public TimeSpan Window { get; }

    /// <summary>Restart up to 10 times a minute, like Akka's default.</summary>
    public static OneForOneStrategy Default { get; } = new(10, TimeSpan.FromMinutes(1), _ => Directive.Restart);

    public static OneForOneStrategy StoppingStrategy { get; } = new(0, TimeSpan.Zero, _ => Directive.Stop);

    internal Directive Decide(Exception cause, RestartStatistics stats, DateTimeOffset now)
    {
        var directive = _decider(cause);
        if (directive != Directive.Restart) return directive;
        return stats.RequestRestart(MaxRetries, Window, now) ? Directive.Restart : Directive.Stop;
    }
}

/// <summary>Restart counting per child, for the retry window.</summary>
internal sealed class RestartStatistics
{
    private readonly Queue<DateTimeOffset> _restarts = new();

    public bool RequestRestart(int maxRetries, TimeSpan window, DateTimeOffset now)
    {
        while (_restarts.Count > 0 && now - _restarts.Peek() > window) _restarts.Dequeue();
        if (_restarts.Count >= maxRetries) return false;
        _restarts.Enqueue(now);
        return true;
    }
}
