using MpcSigning.Actors;
using MpcSigning.Hosting;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Common;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Signing;

namespace MpcSigning.Coordinator;

/// <summary>Approvals: check the session can take one, have AuthN verify it, persist it, and sign on quorum.</summary>
internal sealed partial class SessionActor
{
    private async Task OnSubmitApprovalAsync(SubmitApproval cmd)
    {
        var sender = Sender;
        var who = cmd.ParticipantEmail.Trim().ToLowerInvariant();
        if (RefusalFor(cmd) is { } refusal)
        {
            Reply(sender, cmd.RequestId, refusal.Error, refusal.Message, who);
            return;
        }

        var previous = _state.Approvals.FirstOrDefault(a => string.Equals(a.ParticipantEmail, who, StringComparison.OrdinalIgnoreCase));
        if (previous is not null && previous.Assertion.Equals(cmd.Assertion))
        {
            // A retry of an approval already recorded: idempotent, nothing changes.
            sender.Tell(Status(cmd.RequestId, duplicate: true));
            Audit.Record("coordinator", who, nameof(SubmitApproval), Id, "duplicate");
            return;
        }

        var verdict = await _deps.AuthN.Ask<object>(new VerifyApproval
        {
            RequestId = cmd.RequestId,
            SessionId = _state.SessionId,
            ArtifactDigest = _state.ArtifactDigest,
            ParticipantEmail = who,
            Assertion = cmd.Assertion,
            ExpectedRole = cmd.Role,
        }, _deps.Options.ServiceTimeout);
        if (verdict is Rejected rejected)
        {
            sender.Tell(rejected);
            Audit.Record("coordinator", who, nameof(SubmitApproval), Id, "refused: " + rejected.Error.Code);
            return;
        }
        var approval = ((ApprovalVerified)verdict).Approval;
        if (previous is not null || _state.Phase != SessionPhase.AwaitingApprovals)
        {
            sender.Tell(Status(cmd.RequestId, duplicate: true));
            Audit.Record("coordinator", who, nameof(SubmitApproval), Id, "duplicate");
            return;
        }

        Persist(new SessionEvent { Approved = new Approved { Approval = approval } });
        Audit.Record("coordinator", who, nameof(SubmitApproval), Id, "approved as " + Describe(approval.Role));
        if (!QuorumRule.IsMet(_state.Policy, _state.Approvals))
        {
            sender.Tell(Status(cmd.RequestId));
            return;
        }
        var reached = new QuorumReached();
        reached.Approvers.AddRange(_state.Approvals.Select(a => a.ParticipantEmail));
        Persist(new SessionEvent { QuorumReached = reached });
        _expiry?.Cancel();
        Audit.Record("coordinator", who, nameof(QuorumReached), Id, "quorum reached");
        await ContinueSigningAsync(sender, cmd.RequestId);
    }

    private (CoordinatorError Error, string Message)? RefusalFor(SubmitApproval cmd)
    {
        if (string.IsNullOrWhiteSpace(cmd.ParticipantEmail) || cmd.Assertion is null)
            return (CoordinatorError.InvalidRequest, "an approval needs the participant's email and a WebAuthn assertion");
        var expires = DateTimeOffset.FromUnixTimeMilliseconds(_state.ExpiresAtUnixMs);
        switch (_state.Phase)
        {
            case SessionPhase.Completed:
                return (CoordinatorError.SessionFinished, $"session {Id} is already signed and logged; request a new session to sign again");
            case SessionPhase.Failed:
                return (CoordinatorError.SessionFinished, $"session {Id} failed ({_state.Failure?.Message}); request a new session");
            case SessionPhase.Signing:
                return (CoordinatorError.SessionFinished, $"session {Id} already has its quorum and is being signed; no more approvals are needed");
            case SessionPhase.Expired:
                return (CoordinatorError.SessionExpired, $"session {Id} expired at {expires:u}; request a new session");
        }
        if (Now >= expires)
        {
            Persist(new SessionEvent { Expired = new Expired() });
            return (CoordinatorError.SessionExpired, $"session {Id} expired at {expires:u}; request a new session");
        }
        return null;
    }

    /// <summary>
    /// Signs and logs, persisting each half. A refusal by a signer fails the session for good; any other error replies
    /// that signing resumes, then rethrows so the supervisor restarts the actor, which resumes from the store.
    /// </summary>
    private async Task ContinueSigningAsync(IActorRef? replyTo, string requestId)
    {
        using var cts = new CancellationTokenSource(_deps.Options.ServiceTimeout * 4);
        try
        {
            if (_state.CertificateDer.IsEmpty)
            {
                var signed = await _deps.Pipeline.SignAsync(_state, cts.Token);
                Persist(new SessionEvent { Signed = signed });
                Audit.Record("coordinator", "signers", "Sign", Id, "signed");
            }
            var logged = await _deps.Pipeline.LogAsync(_state, cts.Token);
            Persist(new SessionEvent { Logged = logged });
            Audit.Record("coordinator", "tlog", "Log", Id, $"logged at index {logged.LogIndex}");
        }
        catch (SigningRefusedException e)
        {
            Persist(new SessionEvent { Failed = new Failed { Code = e.Code, Reason = e.Message } });
            Audit.Record("coordinator", "signers", "Sign", Id, "failed: " + e.Code);
        }
        catch (Exception e)
        {
            replyTo?.Tell(new Rejected
            {
                RequestId = requestId,
                Error = Error(CoordinatorErrors.Code(CoordinatorError.SigningFailed),
                    $"the quorum is recorded but signing did not finish ({e.Message}); it resumes automatically, check 'mpcsign status'"),
            });
            throw;
        }
        replyTo?.Tell(Status(requestId));
        Context.Stop(Self); // final: the per-request actor replies once and stops
    }
}
