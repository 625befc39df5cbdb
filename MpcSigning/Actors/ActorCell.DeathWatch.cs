namespace MpcSigning.Actors;

/// <summary>Death watch: who watches this actor, and whom it watches.</summary>
internal sealed partial class ActorCell
{
    private readonly HashSet<IActorRef> _watchers = new();
    private readonly HashSet<IActorRef> _watching = new();
    private bool _watchersNotified;

    public void Watch(IActorRef subject)
    {
        if (ReferenceEquals(subject, this) || !_watching.Add(subject)) return;
        if (subject is IInternalActorRef target) target.SendSystem(new WatchSystem(subject, this));
    }

    public void Unwatch(IActorRef subject)
    {
        if (_watching.Remove(subject) && subject is IInternalActorRef target)
            target.SendSystem(new UnwatchSystem(subject, this));
    }

    /// <summary>Registration happens under a lock so a watch racing with the stop still gets its Terminated.</summary>
    private void HandleWatchRegistration(SystemMessage message)
    {
        IActorRef watcher;
        lock (_watchers)
        {
            if (message is UnwatchSystem unwatch)
            {
                _watchers.Remove(unwatch.Watcher);
                return;
            }
            watcher = ((WatchSystem)message).Watcher;
            if (!_watchersNotified)
            {
                _watchers.Add(watcher);
                return;
            }
        }
        Notify(watcher, this);
    }

    private void NotifyWatchers()
    {
        IActorRef[] watchers;
        lock (_watchers)
        {
            _watchersNotified = true;
            watchers = _watchers.ToArray();
            _watchers.Clear();
        }
        foreach (var w in watchers) Notify(w, this);
    }

    private static void Notify(IActorRef watcher, IActorRef dead)
    {
        if (watcher is ActorCell cell) cell.SendSystem(new DeathNotificationSystem(dead));
        else watcher.Tell(new Terminated(dead), dead);
    }
}
