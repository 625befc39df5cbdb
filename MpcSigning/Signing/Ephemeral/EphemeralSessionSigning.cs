using Google.Protobuf;
using MpcSigning.Actors;
using MpcSigning.Proto.Common;
using MpcSigning.Proto.Signing;

namespace MpcSigning.Signing.Ephemeral;

/// <summary><see cref="ISessionSigning"/> over one <see cref="EphemeralSignerActor"/>.</summary>
public sealed class EphemeralSessionSigning(IActorRef signer, TimeSpan timeout) : ISessionSigning
{
    public async Task<byte[]> CreateKeyAsync(QuorumEvidence evidence, CancellationToken ct)
    {
        var reply = await signer.Ask<object>(new CreateSessionKey { RequestId = Guid.NewGuid().ToString("N"), Evidence = evidence }, timeout, ct);
        return reply switch
        {
            SessionKeyCreated created => created.PublicKey.ToByteArray(),
            Rejected r => throw new SigningRefusedException(r.Error.Code, r.Error.Message),
            _ => throw new InvalidOperationException($"signer replied {reply.GetType().Name}"),
        };
    }

    public async Task<SessionSignature> SignAsync(byte[] sessionId, byte[] message, CancellationToken ct)
    {
        var reply = await signer.Ask<object>(new SignWithSessionKey
        {
            RequestId = Guid.NewGuid().ToString("N"), SessionId = ByteString.CopyFrom(sessionId), Message = ByteString.CopyFrom(message),
        }, timeout, ct);
        return reply switch
        {
            SessionMessageSigned signed => new SessionSignature(signed.Signature.ToByteArray(), ""),
            Rejected r => throw new InvalidOperationException(r.Error.Message), // transient: a restart re-creates the key
            _ => throw new InvalidOperationException($"signer replied {reply.GetType().Name}"),
        };
    }

    public void Destroy(byte[] sessionId) => signer.Tell(new DestroySessionKey { SessionId = ByteString.CopyFrom(sessionId) });
}
