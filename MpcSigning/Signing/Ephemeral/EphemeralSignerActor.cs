using Google.Protobuf;
using MpcSigning.Actors;
using MpcSigning.Crypto;
using MpcSigning.Hosting;
using MpcSigning.Proto.Common;
using MpcSigning.Proto.Signing;

namespace MpcSigning.Signing.Ephemeral;

/// <summary>
/// A signer holding one Ed25519 key per session in guarded memory: created after it has checked the quorum evidence
/// itself, used for exactly one signature, and zeroed at once. Nothing is ever written to disk or a log.
/// </summary>
public sealed class EphemeralSignerActor : ReceiveActor
{
    private readonly Dictionary<string, SecretBytes> _keys = new();

    public EphemeralSignerActor(IQuorumEvidenceVerifier evidenceVerifier)
    {
        Receive<CreateSessionKey>(cmd =>
        {
            var session = cmd.Evidence is null ? "-" : Convert.ToHexStringLower(cmd.Evidence.SessionId.Span);
            var why = cmd.Evidence is null ? "none was given" : evidenceVerifier.Check(cmd.Evidence);
            if (why is not null)
            {
                Refuse(cmd.RequestId, "signing.evidence_refused", "the signer is not convinced by the quorum evidence: " + why, session);
                return;
            }
            Forget(session);
            var (secret, publicKey) = Ed25519.GenerateKeyPair();
            _keys[session] = secret;
            Sender.Tell(new SessionKeyCreated { RequestId = cmd.RequestId, SessionId = cmd.Evidence!.SessionId, PublicKey = ByteString.CopyFrom(publicKey) });
            Audit.Record("signer", "coordinator", nameof(CreateSessionKey), session, "key created");
        });
        Receive<SignWithSessionKey>(cmd =>
        {
            var session = Convert.ToHexStringLower(cmd.SessionId.Span);
            if (!_keys.Remove(session, out var secret))
            {
                Refuse(cmd.RequestId, "signing.no_session_key", $"there is no key for session {session} (it signed already or was never created)", session);
                return;
            }
            byte[] signature;
            using (secret) signature = Ed25519.Sign(secret, cmd.Message.Span);
            Sender.Tell(new SessionMessageSigned { RequestId = cmd.RequestId, SessionId = cmd.SessionId, Signature = ByteString.CopyFrom(signature) });
            Audit.Record("signer", "coordinator", nameof(SignWithSessionKey), session, "signed; key destroyed");
        });
        Receive<DestroySessionKey>(cmd => Forget(Convert.ToHexStringLower(cmd.SessionId.Span)));
    }

    private void Refuse(string requestId, string code, string message, string session)
    {
        Sender.Tell(new Rejected { RequestId = requestId, Error = new ErrorInfo { Code = code, Message = message } });
        Audit.Record("signer", "coordinator", "request", session, "refused: " + code);
    }

    private void Forget(string session)
    {
        if (_keys.Remove(session, out var secret)) secret.Dispose();
    }

    /// <summary>Keys never outlive the signer (a restart or stop zeroes them all).</summary>
    protected override void PostStop()
    {
        foreach (var k in _keys.Values) k.Dispose();
        _keys.Clear();
    }
}
