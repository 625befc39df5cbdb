using Akka.Actor;
using Google.Protobuf;
using MpcSigning.AuthN.Invitations;
using MpcSigning.AuthN.Passkeys;
using MpcSigning.AuthN.Registry;
using MpcSigning.Hosting;
using MpcSigning.Hosting.Cluster;
using MpcSigning.Proto.AuthN;

namespace MpcSigning.AuthN;

public sealed partial class AuthNActor
{
    /// <summary>
    /// Enrolment by invitation: CreateInvitation (operator) stores a one-time token's hash; BeginInvitedRegistration
    /// starts a registration with the invitation's name, email and role; CompleteInvitedRegistration checks the
    /// invitation again, verifies the attestation, enrols and consumes the invitation, all in this actor (one message at
    /// a time, so no second enrolment can use the same invitation in between).
    /// </summary>
    private void ReceiveInvitations(IParticipantRegistry registry, PasskeyCeremonies passkeys, IInvitationStore? invitations, TimeProvider clock)
    {
        Receive<CreateInvitation>(cmd =>
        {
            if (invitations is null)
            {
                Refuse(cmd.RequestId, AuthNError.InvitationUnknown, "this node keeps no invitations (no invitation store configured)", cmd.Email, null);
                return;
            }
            Invitation invitation;
            var (token, hash) = InvitationTokens.NewToken();
            try
            {
                var lifetime = cmd.LifetimeSeconds == 0 ? InvitationTokens.DefaultLifetime : TimeSpan.FromSeconds(cmd.LifetimeSeconds);
                invitation = InvitationTokens.Create(hash, cmd.Name, cmd.Email, cmd.Role, lifetime, clock.GetUtcNow());
            }
            catch (AuthNException e)
            {
                Refuse(cmd.RequestId, e.Code, e.Message, cmd.Email, null);
                return;
            }
            invitations.Add(invitation);
            Sender.Tell(new InvitationCreated { RequestId = cmd.RequestId, Token = token, Invitation = invitation });
            Audit.Record("authn", invitation.Email, nameof(CreateInvitation), null,
                $"invited as {RoleNames.ToName(invitation.Role)} until {DateTimeOffset.FromUnixTimeMilliseconds(invitation.ExpiresAtUnixMs):u}", LinkAttestation.Of(Sender));
        });
        Receive<BeginInvitedRegistration>(cmd =>
        {
            if (Usable(cmd.RequestId, cmd.Token, nameof(BeginInvitedRegistration), Sender) is not { } invitation) return;
            RegistrationStart start;
            try
            {
                start = passkeys.BeginRegistration(invitation.Name, invitation.Email, invitation.Role);
            }
            catch (AuthNException e)
            {
                Refuse(cmd.RequestId, e.Code, e.Message, invitation.Email, null);
                return;
            }
            Sender.Tell(new InvitedRegistrationOptions
            {
                RequestId = cmd.RequestId, Invitation = invitation, CeremonyId = ByteString.CopyFrom(start.CeremonyId), OptionsJson = start.OptionsJson,
            });
            Audit.Record("authn", invitation.Email, nameof(BeginInvitedRegistration), null, "options issued", LinkAttestation.Of(Sender));
        });
        ReceiveAsync<CompleteInvitedRegistration>(async cmd =>
        {
            var sender = Sender;
            if (Usable(cmd.RequestId, cmd.Token, nameof(CompleteInvitedRegistration), sender) is not { } invitation) return;
            var outcome = await passkeys.CompleteRegistration(cmd.CeremonyId.ToByteArray(), cmd.AttestationResponseJson);
            if (!outcome.Ok)
            {
                Refuse(cmd.RequestId, outcome.Code, outcome.Message, invitation.Email, null, sender);
                return;
            }
            var p = outcome.Participant!;
            // The ceremony must be the one this invitation started: same person and role (a ceremony begun elsewhere
            // with another role must not ride on this invitation).
            if (p.Email != invitation.Email || p.Role != invitation.Role || p.Name != invitation.Name)
            {
                Refuse(cmd.RequestId, AuthNError.InvitationMismatch,
                    "this registration was not started from this invitation; open the invitation link again and register from there", invitation.Email, null, sender);
                return;
            }
            var result = registry.Enroll(p);
            if (result.Code == AuthNError.PolicyChangeNeeded)
            {
                // Verified, but only the policy's stewards can let this person in: the invitation is spent on the
                // proposal (so it cannot propose twice), and the caller proposes the enrolment as the next policy version.
                if (!invitations!.TryConsume(invitation.TokenSha256.ToByteArray(), clock.GetUtcNow().ToUnixTimeMilliseconds()))
                {
                    Refuse(cmd.RequestId, AuthNError.InvitationUsed, "this invitation was used at the same time by another registration; ask for a new one",
                        invitation.Email, null, sender);
                    return;
                }
                sender.Tell(new InvitedEnrolmentNeedsPolicyChange { RequestId = cmd.RequestId, Participant = p });
                Audit.Record("authn", invitation.Email, nameof(CompleteInvitedRegistration), null,
                    $"registered as {RoleNames.ToName(invitation.Role)} by invitation; enrolment needs a trust policy change", LinkAttestation.Of(sender));
                return;
            }
            if (!result.Ok)
            {
                Refuse(cmd.RequestId, result.Code, result.Message, invitation.Email, null, sender);
                return;
            }
            if (!invitations!.TryConsume(invitation.TokenSha256.ToByteArray(), clock.GetUtcNow().ToUnixTimeMilliseconds()))
                Audit.Record("authn", invitation.Email, nameof(CompleteInvitedRegistration), null, "invitation was consumed concurrently", LinkAttestation.Of(sender));
            sender.Tell(new ParticipantEnrolled
            {
                RequestId = cmd.RequestId, Participant = result.Participant, AlreadyEnrolled = result.Status == EnrollStatus.AlreadyEnrolled,
            });
            Audit.Record("authn", invitation.Email, nameof(CompleteInvitedRegistration), null,
                $"{result.Status.ToString().ToLowerInvariant()} as {RoleNames.ToName(invitation.Role)} by invitation (attestation {result.Participant!.AttestationFormat})",
                LinkAttestation.Of(sender));
        });

        Invitation? Usable(string requestId, string token, string what, IActorRef to)
        {
            if (invitations is null)
            {
                Refuse(requestId, AuthNError.InvitationUnknown, "this node keeps no invitations (no invitation store configured)", "-", null, to);
                return null;
            }
            var (invitation, code, message) = InvitationTokens.Check(invitations, token, clock.GetUtcNow().ToUnixTimeMilliseconds());
            if (invitation is null) Refuse(requestId, code, message, "invitation", null, to);
            return invitation;
        }
    }
}
