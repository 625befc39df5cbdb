using MpcSigning.Hosting;
using MpcSigning.Proto.Coordinator;
using Serilog;

namespace MpcSigning.Policy;

/// <summary>
/// On a running single node, records each saved proposal (<see cref="PolicyProposals"/>) once its session completes,
/// exactly as 'mpcsign policy apply' does (that command needs the data directory, which the running node holds): the
/// new version with its stewards' approvals, then the enrolment of the people it adds. A proposal whose session failed
/// or expired, or that no longer follows the version in force, is dropped with a log line and an audit event. Checks
/// every <see cref="Interval"/>; a failure on one proposal never stops the others or the node.
/// </summary>
public sealed class ProposalApplier : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly NodeHost _node;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ProposalApplier(NodeHost node)
    {
        _node = node;
        _loop = Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
                foreach (var id in PolicyProposals.Pending(_node.Data))
                {
                    if (_stop.IsCancellationRequested) return;
                    await ApplyOneAsync(id);
                }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Applies or drops the proposal of <paramref name="sessionId"/> if its session is final; true when it applied it.</summary>
    public async Task<bool> ApplyOneAsync(byte[] sessionId)
    {
        var id = Convert.ToHexStringLower(sessionId);
        try
        {
            if (PolicyProposals.Load(_node.Data, sessionId) is not { } next) return false;
            SessionStatus status;
            try
            {
                status = await _node.Client.StatusAsync(sessionId);
            }
            catch (ServiceRefusedException e)
            {
                Drop(sessionId, $"its session is unknown to this node ({e.Error.Message})");
                return false;
            }
            switch (status.Phase)
            {
                case SessionPhase.Completed:
                    break;
                case SessionPhase.Failed or SessionPhase.Expired:
                    Drop(sessionId, $"its session ended {status.Phase.ToString().ToLowerInvariant()} without the stewards' approval");
                    return false;
                default:
                    return false;
            }
            var current = _node.CurrentPolicy();
            try
            {
                _node.Policy.Append(PolicyProposals.Approved(current, next, sessionId, status));
            }
            catch (PolicyException e)
            {
                Drop(sessionId, e.Message);
                return false;
            }
            await PolicyProposals.EnrolNewcomersAsync(_node.Client, _node.Data, current, next, sessionId);
            Log.Information("Trust policy v{Version} is in force (approved in session {Session})", next.Version, id);
            Audit.Record("policy", "stewards", "apply", id, $"trust policy v{next.Version} in force");
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A broken proposal file or a service that did not answer in time: try again at the next tick.
            Log.Warning("Trust policy proposal of session {Session} not applied yet: {Reason}", id, e.Message);
            return false;
        }
    }

    private void Drop(byte[] sessionId, string reason)
    {
        var id = Convert.ToHexStringLower(sessionId);
        PolicyProposals.Forget(_node.Data, sessionId);
        Log.Warning("Trust policy proposal of session {Session} dropped: {Reason}", id, reason);
        Audit.Record("policy", "stewards", "apply", id, "dropped: " + reason);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            Log.Warning("Trust policy proposal applier did not stop within 10 s");
        }
        _stop.Dispose();
    }
}
