using Akka.Actor;
using MpcSigning.AuthN.Registry;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Hosting;
using MpcSigning.Hosting.Cluster;
using MpcSigning.Proto.AuthN;

namespace MpcSigning.AuthN;

public sealed partial class AuthNActor
{
    /// <summary>
    /// Web sign-in: finds the participant by the assertion's credential id and verifies the assertion over the
    /// sign-in challenge (WebAuthn L3 section 7.2, any role), advancing the signCount so the assertion is good once.
    /// </summary>
    private void ReceiveSignIn(IParticipantRegistry registry, RelyingParty rp, TimeProvider clock)
    {
        Receive<VerifySignIn>(cmd =>
        {
            if (cmd.Challenge.Length != 32 || cmd.Assertion is null || cmd.Assertion.CredentialId.IsEmpty)
            {
                Refuse(cmd.RequestId, AuthNError.AssertionIncomplete, "sign-in needs a 32-byte challenge and an assertion with a credential id; reload the page and try again", "-", null);
                return;
            }
            var p = registry.FindByCredentialId(cmd.Assertion.CredentialId.ToByteArray());
            if (p is null)
            {
                Refuse(cmd.RequestId, AuthNError.UnknownParticipant, "this passkey is not enrolled on this node; ask your operator for an invitation", "-", null);
                return;
            }
            var outcome = Approvals.Admit(registry, p.Email, cmd.Assertion, cmd.Challenge.ToByteArray(), rp, clock.GetUtcNow().ToUnixTimeMilliseconds());
            if (!outcome.Ok)
            {
                Refuse(cmd.RequestId, outcome.Code, outcome.Message.Replace("approval by", "sign-in by", StringComparison.Ordinal), p.Email, null);
                return;
            }
            Sender.Tell(new ParticipantFound { RequestId = cmd.RequestId, Participant = registry.Find(p.Email) ?? p });
            Audit.Record("authn", p.Email, nameof(VerifySignIn), null, "signed in", LinkAttestation.Of(Sender));
        });
    }
}
