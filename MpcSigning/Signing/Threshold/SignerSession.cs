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

    /// <summary>The DKG run this signer takes part in (<see cref="FrostDkgBegin.DkgId"/>), once it has begun.</summary>
    public string DkgId { get; private set; } = "";

    /// <summary>Peers' packages that arrived before this signer's own Begin, with the run each belongs to.</summary>
    public List<FrostDkgRound1> EarlyRound1 { get; } = new();

    /// <summary>Shares addressed to this signer that arrived before its own Begin.</summary>
    public List<FrostDkgRound2> EarlyRound2 { get; } = new();

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
        DkgId = begin.DkgId;
        // only the packages of this run count; a late package of an earlier run of the session is dropped
        Round1.AddRange(EarlyRound1.Where(m => m.DkgId == DkgId).Select(m => m.Package));
        Round2.AddRange(EarlyRound2.Where(m => m.DkgId == DkgId && m.Package.Recipient == Identifier).Select(m => m.Package));
        EarlyRound1.Clear();
        EarlyRound2.Clear();
    }

    public void Dispose()
    {
        Participant?.Dispose();
        Participant = null;
        EarlyRound2.Clear();
        Round2.Clear(); // the ByteStrings of received shares are immutable; the participant holds them only in guarded memory
    }

    public override string ToString() => $"SignerSession({Id}, <redacted>)";
}
