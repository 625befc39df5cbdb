using Serilog;

namespace MpcSigning.Actors;

/// <summary>Creation, restart, supervision and stopping.</summary>
internal sealed partial class ActorCell
{
    private readonly List<ScheduledTell> _timers = new();
    private TaskCompletionSource<Directive>? _decision;
    private bool _stopping;

    /// <summary>Creates the instance and runs PreStart; a PreStart failure is supervised like any other.</summary>
    private async Task<bool> StartInstanceAsync()
    {
        while (true)
        {
            _actor = _props.Factory();
            _actor.Attach(this);
            try
            {
                await _actor.InvokePreStart();
                return true;
            }
            catch (Exception e)
            {
                var directive = await AskParentAsync(e);
                if (directive is Directive.Restart or Directive.Resume) continue;
                await StopSelfAsync();
                return false;
            }
        }
    }

    private async Task HandleFailureAsync(Exception cause)
    {
        switch (await AskParentAsync(cause))
        {
            case Directive.Resume:
                break;
            case Directive.Restart:
                await RestartAsync(cause);
                break;
            default:
                await StopSelfAsync();
                break;
        }
    }

    /// <summary>Suspends this actor until the parent's strategy has decided (the parent "learns of it").</summary>
    private async Task<Directive> AskParentAsync(Exception cause)
    {
        if (_parent is null)
        {
            Log.Error(cause, "Actor {Path} (a guardian) failed; stopping it", Path);
            return Directive.Stop;
        }
        _decision = new TaskCompletionSource<Directive>(TaskCreationOptions.RunContinuationsAsynchronously);
        _parent.SendSystem(new FailedSystem(this, cause));
        var directive = await _decision.Task;
        _decision = null;
        return directive;
    }

    private async Task SuperviseAsync(ActorCell child, Exception cause)
    {
        var directive = _actor.InvokeSupervisorStrategy().Decide(cause, child.RestartStats, DateTimeOffset.UtcNow);
        Log.Warning("Actor {Child} failed ({Error}: {Message}); supervisor decided {Directive}",
            child.Path, cause.GetType().Name, cause.Message, directive);
        if (directive == Directive.Escalate)
        {
            child._decision?.TrySetResult(Directive.Stop);
            await HandleFailureAsync(cause);
            return;
        }
        child._decision?.TrySetResult(directive);
    }

    private async Task RestartAsync(Exception cause)
    {
        Log.Information("Restarting actor {Path} after {Error}", Path, cause.GetType().Name);
        CancelTimers();
        await StopChildrenAsync();
        SafePostStop();
        await StartInstanceAsync();
    }

    private async Task StopSelfAsync()
    {
        if (_stopping) return;
        _stopping = true;
        CancelTimers();
        await StopChildrenAsync();
        SafePostStop();
        _mailbox.Writer.TryComplete();
        while (_mailbox.Reader.TryRead(out var left))
        {
            if (left.Message is not null) System.DeadLetter(left.Message, left.Sender, this);
        }
        NotifyWatchers();
        foreach (var watched in _watching) (watched as IInternalActorRef)?.SendSystem(new UnwatchSystem(watched, this));
        _watching.Clear();
        _terminatedTcs.TrySetResult();
        _parent?.SendSystem(new ChildStoppedSystem(this));
    }

    private async Task StopChildrenAsync()
    {
        var children = _children.Values.ToArray();
        foreach (var child in children) child.SendSystem(new StopSystem());
        await Task.WhenAll(children.Select(c => c.Terminated));
        foreach (var child in children) _children.TryRemove(new KeyValuePair<string, ActorCell>(child.Path.Name, child));
    }

    private void SafePostStop()
    {
        try
        {
            _actor.InvokePostStop();
        }
        catch (Exception e)
        {
            Log.Error(e, "PostStop of actor {Path} failed", Path);
        }
    }

    public ICancelable ScheduleTellOnce(TimeSpan delay, object message)
    {
        var timer = new ScheduledTell(delay, this, message, this);
        _timers.Add(timer);
        return timer;
    }

    private void CancelTimers()
    {
        foreach (var t in _timers) t.Cancel();
        _timers.Clear();
    }
}
