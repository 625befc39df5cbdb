namespace MpcSigning.Actors;

/// <summary>A message told once after a delay (session timeouts, retries). Cancel is idempotent.</summary>
internal sealed class ScheduledTell : ICancelable
{
    private readonly Timer _timer;

    public ScheduledTell(TimeSpan delay, IActorRef receiver, object message, IActorRef? sender)
    {
        _timer = new Timer(_ => receiver.Tell(message, sender), null, delay, Timeout.InfiniteTimeSpan);
    }

    public void Cancel() => _timer.Dispose();
}
