using Akka.Actor;
using MpcSigning.AuthN.Passkeys;
using MpcSigning.AuthN.Registry;
using MpcSigning.Hosting;
using MpcSigning.Hosting.Cluster;
using MpcSigning.Proto.AuthN;

namespace MpcSigning.AuthN;

public sealed partial class AuthNActor
{
    /// <summary>
    /// Passkey registration (WebAuthn L3 section 7.1): BeginRegistration answers the creation options;
    /// CompleteRegistration verifies the authenticator's answer and enrols the participant, in this actor (one
    /// message at a time, so the check and the enrolment are atomic on this node).
    /// </summary>
    private void ReceiveRegistration(IParticipantRegistry registry, PasskeyCeremonies ceremonies)
    {
        Receive<BeginRegistration>(cmd =>
        {
            RegistrationStart start;
            try
            {
                start = ceremonies.BeginRegistration(cmd.Name, cmd.Email, cmd.Role);
            }
            catch (AuthNException e)
            {
                Refuse(cmd.RequestId, e.Code, e.Message, cmd.Email, null);
                return;
            }
            Sender.Tell(new RegistrationOptions
            {
                RequestId = cmd.RequestId, CeremonyId = Google.Protobuf.ByteString.CopyFrom(start.CeremonyId), OptionsJson = start.OptionsJson,
            });
            Audit.Record("authn", cmd.Email, nameof(BeginRegistration), null, "options issued", LinkAttestation.Of(Sender));
        });
        ReceiveAsync<CompleteRegistration>(async cmd =>
        {
            var sender = Sender;
            var outcome = await ceremonies.CompleteRegistration(cmd.CeremonyId.ToByteArray(), cmd.AttestationResponseJson);
            if (!outcome.Ok)
            {
                Refuse(cmd.RequestId, outcome.Code, outcome.Message, "-", null, sender);
                return;
            }
            var result = registry.Enroll(outcome.Participant!);
            if (!result.Ok)
            {
                Refuse(cmd.RequestId, result.Code, result.Message, outcome.Participant!.Email, null, sender);
                return;
            }
            sender.Tell(new ParticipantEnrolled
            {
                RequestId = cmd.RequestId, Participant = result.Participant, AlreadyEnrolled = result.Status == EnrollStatus.AlreadyEnrolled,
            });
            Audit.Record("authn", result.Participant!.Email, nameof(CompleteRegistration), null,
                $"{result.Status.ToString().ToLowerInvariant()} (attestation {result.Participant.AttestationFormat})", LinkAttestation.Of(sender));
        });
    }
}
