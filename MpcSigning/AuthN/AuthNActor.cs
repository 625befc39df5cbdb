using Akka.Actor;
using MpcSigning.AuthN.Passkeys;
using MpcSigning.AuthN.Registry;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Hosting;
using MpcSigning.Hosting.Cluster;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Common;

namespace MpcSigning.AuthN;

/// <summary>
/// The AuthN service: owns the participant registry. Verifies approvals for the coordinator (WebAuthn L3 7.2 and the
/// role), enrolls participants, and answers look-ups. Replies Rejected with a client-safe message on refusal.
/// </summary>
public sealed partial class AuthNActor : ReceiveActor
{
    /// <param name="ceremonies">Passkey registration (WebAuthn L3 7.1); null: one with the default attestation policy.</param>
    public AuthNActor(IParticipantRegistry registry, RelyingParty rp, TimeProvider clock,
        PasskeyCeremonies? ceremonies = null,
        Invitations.IInvitationStore? invitations = null)
    {
        ceremonies ??= new PasskeyCeremonies(rp, AttestationPolicy.Default, clock);
        ReceiveRegistration(registry, ceremonies);
        ReceiveInvitations(registry, ceremonies, invitations, clock);
        ReceiveSignIn(registry, rp, clock);
        Receive<VerifyApproval>(cmd =>
        {
            var session = Convert.ToHexStringLower(cmd.SessionId.Span);
            if (cmd.SessionId.Length != 16 || cmd.ArtifactDigest.Length != 32 || cmd.Assertion is null)
            {
                Refuse(cmd.RequestId, AuthNError.AssertionIncomplete, "the approval must name a 16-byte session, a 32-byte digest and carry an assertion", cmd.ParticipantEmail, session);
                return;
            }
            var email = ParticipantEmail.TryNormalize(cmd.ParticipantEmail, out var bad);
            if (email is null)
            {
                Refuse(cmd.RequestId, AuthNError.InvalidEmail, bad, cmd.ParticipantEmail, session);
                return;
            }
            var challenge = ApprovalChallenge.Derive(cmd.SessionId.Span, cmd.ArtifactDigest.Span);
            Role? required = cmd.ExpectedRole == Role.Unspecified ? null : cmd.ExpectedRole;
            var outcome = Approvals.Admit(registry, email, cmd.Assertion, challenge, rp, clock.GetUtcNow().ToUnixTimeMilliseconds(), required);
            if (!outcome.Ok)
            {
                Refuse(cmd.RequestId, outcome.Code, outcome.Message, email, session);
                return;
            }
            Sender.Tell(new ApprovalVerified { RequestId = cmd.RequestId, Approval = outcome.Record });
            Audit.Record("authn", email, nameof(VerifyApproval), session, "verified", LinkAttestation.Of(Sender));
        });
        Receive<EnrollParticipant>(cmd =>
        {
            var result = registry.Enroll(cmd.Participant ?? new Participant());
            if (!result.Ok)
            {
                Refuse(cmd.RequestId, result.Code, result.Message, cmd.Participant?.Email ?? "-", null);
                return;
            }
            Sender.Tell(new ParticipantEnrolled
            {
                RequestId = cmd.RequestId, Participant = result.Participant, AlreadyEnrolled = result.Status == EnrollStatus.AlreadyEnrolled,
            });
            Audit.Record("authn", result.Participant!.Email, nameof(EnrollParticipant), null, result.Status.ToString().ToLowerInvariant(), LinkAttestation.Of(Sender));
        });
        Receive<FindParticipant>(cmd =>
        {
            Participant? p;
            if (cmd.Email.Length == 0 && !cmd.CredentialId.IsEmpty)
                p = registry.FindByCredentialId(cmd.CredentialId.ToByteArray());
            else
                p = ParticipantEmail.TryNormalize(cmd.Email, out _) is { } email ? registry.Find(email) : null;
            if (p is null)
                Refuse(cmd.RequestId, AuthNError.UnknownParticipant,
                    cmd.Email.Length == 0 && !cmd.CredentialId.IsEmpty
                        ? "no participant is enrolled with this credential id; enroll the passkey first"
                        : $"no participant is enrolled as '{cmd.Email}'; enroll them with 'mpcsign enroll'", cmd.Email.Length == 0 ? "-" : cmd.Email, null);
            else
            {
                Sender.Tell(new ParticipantFound { RequestId = cmd.RequestId, Participant = p });
                Audit.Record("authn", "client", nameof(FindParticipant), null, "found " + p.Email, LinkAttestation.Of(Sender));
            }
        });
    }

    private void Refuse(string requestId, AuthNError code, string message, string who, string? session, IActorRef? to = null)
    {
        to ??= Sender;
        var wire = "authn." + code.ToString().ToLowerInvariant();
        to.Tell(new Rejected { RequestId = requestId, Error = new ErrorInfo { Code = wire, Message = message } });
        Audit.Record("authn", who, "request", session, "refused: " + wire, LinkAttestation.Of(to));
    }
}
