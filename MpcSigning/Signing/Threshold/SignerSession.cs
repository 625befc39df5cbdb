using Google.Protobuf;
using Akka.Actor;
using MpcSigning.Proto.Frost;
using MpcSigning.Proto.Signing;
using MpcSigning.Signing.Frost;

namespace MpcSigning.Signing.Threshold;

/// <summary>What one signer holds for one session: the FROST participant (share and nonces in guarded memory) and the
/// DKG messages received so far. Disposing it zeroes every secret.</summary>
internal sealed class SignerSession(string id) : IDisposable
{
    public string Id { get; } = id;

    public ByteString SessionId { get; set; } = ByteString.Empty;

    public FrostParticipant? Participant { get; private set; }

    public uint Identifier { get; private set; }

    public IReadOnlyList<SignerPeer> Peers { get; private set; } = [];

    public IActorRef? ReplyTo { get; private set; }

    public string RequestId { get; private set; } = "";

    public List<Round1Package> Round1 { get; } = new();

    public List<Round2Package> Round2 { get; } = new();

    public bool Part2Done { get; set; }

    public PublicKeyPackage? Keys { get; set; }

    public void Begin(FrostDkgBegin begin, IActorRef replyTo, FrostParticipant participant)
    {
        Participant = participant;
        Identifier = begin.Identifier;
        Peers = begin.Peers.ToArray();
        ReplyTo = replyTo;
        RequestId = begin.RequestId;
        SessionId = begin.Evidence.SessionId;
    }

    public void Dispose()
    {
        Participant?.Dispose();
        Participant = null;
        Round2.Clear(); // the ByteStrings of received shares are immutable; the participant holds them only in guarded memory
    }

    public override string ToString() => $"SignerSession({Id}, <redacted>)";
}
