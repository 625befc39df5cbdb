using Google.Protobuf;
using Akka.Actor;
using MpcSigning.Hosting;
using MpcSigning.Hosting.Cluster;
using MpcSigning.Proto.Common;
using MpcSigning.Proto.Frost;
using MpcSigning.Proto.Signing;
using MpcSigning.Proto.Trust;
using MpcSigning.Signing.Frost;
using MpcSigning.Signing.Identity;

namespace MpcSigning.Signing.Threshold;

/// <summary>
/// One FROST signer. Per session it first checks the quorum evidence itself, then runs the DKG with its peers (round-1
/// broadcast, round-2 shares sent to each recipient only), commits, signs once, and zeroes its share and nonces. Nothing
/// it holds is ever persisted: a restart forgets every session, and the coordinator starts the signing step anew.
/// </summary>
public sealed partial class FrostSignerActor : ReceiveActor
{
    private readonly IQuorumEvidenceVerifier _evidence;
    private readonly SignerIdentity _identity;
    private readonly Dictionary<string, SignerSession> _sessions = new();

    /// <param name="identity">This signer's attested identity; it signs every DKG result (owned by the host, not the actor).</param>
    public FrostSignerActor(IQuorumEvidenceVerifier evidence, SignerIdentity identity)
    {
        _evidence = evidence;
        _identity = identity;
        ReceiveAsync<FrostDkgBegin>(OnBeginAsync);
        Receive<FrostDkgRound1>(m => Guarded(m.SessionId, s =>
        {
            var outcome = "received";
            if (s.Participant is null) s.EarlyRound1.Add(m); // sorted by run at this signer's own Begin
            else if (m.DkgId == s.DkgId) s.Round1.Add(m.Package);
            else outcome = "ignored: from another run of the session's DKG";
            Audit.Record("signer", "signer " + m.Package.Sender, nameof(FrostDkgRound1), s.Id, outcome, LinkAttestation.Of(Sender));
            Advance(s);
        }));
        Receive<FrostDkgRound2>(m => Guarded(m.SessionId, s =>
        {
            var outcome = "received";
            if (s.Participant is null) s.EarlyRound2.Add(m);
            else if (m.DkgId != s.DkgId) outcome = "ignored: from another run of the session's DKG";
            else if (m.Package.Recipient != s.Identifier) outcome = "ignored: addressed to another signer";
            else s.Round2.Add(m.Package);
            Audit.Record("signer", "signer " + m.Package.Sender, nameof(FrostDkgRound2), s.Id, outcome, LinkAttestation.Of(Sender));
            Advance(s);
        }));
        Receive<GetTrustMaterial>(_ => Sender.Tell(_identity.Record)); // public: the PinnedSigner record of this signer
        Receive<FrostCommit>(OnCommit);
        Receive<FrostSign>(OnSign);
        Receive<DestroySessionKey>(m =>
        {
            Forget(Key(m.SessionId));
            Audit.Record("signer", "coordinator", nameof(DestroySessionKey), Key(m.SessionId), "zeroed", LinkAttestation.Of(Sender));
        });
    }

    private static string Key(ByteString sessionId) => Convert.ToHexStringLower(sessionId.Span);

    /// <summary>
    /// Checks the evidence (the mailbox waits meanwhile, so peers' round-1 packages queue behind it), then starts the DKG.
    /// </summary>
    private async Task OnBeginAsync(FrostDkgBegin m)
    {
        var sender = Sender;
        var key = m.Evidence is null ? "-" : Key(m.Evidence.SessionId);
        string? why;
        try
        {
            why = m.Evidence is null ? "no evidence was given" : await _evidence.CheckAsync(m.Evidence, CancellationToken.None);
        }
        catch (Exception e) when (e is AskTimeoutException or InvalidOperationException or OperationCanceledException)
        {
            Refuse(sender, m.RequestId, "signing.evidence_unavailable", "signer cannot check the quorum evidence now (" + e.Message + "); retry", key);
            return;
        }
        if (why is not null)
        {
            Refuse(sender, m.RequestId, "signing.evidence_refused", "signer refuses: the quorum evidence does not convince it: " + why, key);
            return;
        }
        var session = Session(key);
        if (session.Participant is not null)
        {
            Refuse(Sender, m.RequestId, "signing.dkg_already_started", $"session {key} already ran its DKG on this signer", key);
            return;
        }
        CrashPoint.At("signer-dkg");
        session.Begin(m, sender, new FrostParticipant(m.Identifier, (int)m.MinSigners, (int)m.MaxSigners));
        var mine = session.Participant!.DkgPart1();
        foreach (var peer in session.Peers.Where(p => p.Identifier != m.Identifier))
            Peer(peer).Tell(new FrostDkgRound1 { SessionId = m.Evidence!.SessionId, Package = mine, DkgId = m.DkgId }, Self);
        Audit.Record("signer", "coordinator", nameof(FrostDkgBegin), key, "evidence verified; DKG round 1 sent", LinkAttestation.Of(sender));
        Advance(session);
    }

    /// <summary>DKG part 2 once every peer's round-1 package is in; part 3 once every share addressed to us is in.</summary>
    private void Advance(SignerSession s)
    {
        if (s.Participant is null) return; // peers' packages that arrived before our own Begin wait here
        if (!s.Part2Done && s.Round1.Count == s.Peers.Count - 1)
        {
            s.Part2Done = true;
            foreach (var (recipient, package) in s.Participant.DkgPart2(s.Round1))
                Peer(s.Peers.Single(p => p.Identifier == recipient)).Tell(new FrostDkgRound2 { SessionId = s.SessionId, Package = package, DkgId = s.DkgId }, Self);
        }
        if (s.Part2Done && s.Keys is null && s.Round2.Count == s.Peers.Count - 1)
        {
            s.Keys = s.Participant.DkgPart3(s.Round1, s.Round2);
            s.ReplyTo!.Tell(new FrostDkgCompleted
            {
                RequestId = s.RequestId, SessionId = s.SessionId, Identifier = s.Identifier, PublicKeys = s.Keys,
                Endorsement = _identity.Endorse(s.SessionId, s.Keys, s.Identifier),
            });
            Audit.Record("signer", "peers", "FrostDkg", s.Id, "DKG complete; verifying share signed with identity " + _identity.Name);
        }
    }

    /// <summary>A peer signer by its actor address (local or, across nodes, over an attested link).</summary>
    private ActorSelection Peer(SignerPeer peer) => Context.ActorSelection(peer.Address);

    private void OnCommit(FrostCommit m) => Guarded(m.SessionId, s =>
    {
        var commitments = s.Participant?.Commit() ?? throw new FrostException(FrostError.WrongState, "no DKG has run for this session");
        Sender.Tell(new FrostCommitted { RequestId = m.RequestId, SessionId = m.SessionId, Commitments = commitments });
        Audit.Record("signer", "coordinator", nameof(FrostCommit), s.Id, "committed", LinkAttestation.Of(Sender));
    }, m.RequestId);

    private void OnSign(FrostSign m) => Guarded(m.SessionId, s =>
    {
        try
        {
            var share = s.Participant?.Sign(m.Package) ?? throw new FrostException(FrostError.WrongState, "no DKG has run for this session");
            Sender.Tell(new FrostSigned { RequestId = m.RequestId, SessionId = m.SessionId, Share = share });
            Audit.Record("signer", "coordinator", nameof(FrostSign), s.Id, "signed; share and nonces zeroed", LinkAttestation.Of(Sender));
        }
        finally
        {
            Forget(s.Id); // one signature per session, whatever the outcome
        }
    }, m.RequestId);

    /// <summary>Runs a step; a FROST error is answered (naming culprits) and the session forgotten, never left half-done.</summary>
    private void Guarded(ByteString sessionId, Action<SignerSession> step, string? requestId = null)
    {
        var key = Key(sessionId);
        var session = Session(key);
        session.SessionId = sessionId;
        var replyTo = Sender;
        try
        {
            step(session);
        }
        catch (FrostException e)
        {
            var culprits = e.Culprits.Count > 0 ? $" (culprits: {string.Join(", ", e.Culprits)})" : "";
            Refuse(requestId is null ? session.ReplyTo ?? replyTo : replyTo, requestId ?? session.RequestId,
                "signing.frost_" + e.Error.ToString().ToLowerInvariant(), e.Message + culprits, key);
            Forget(key);
        }
    }

    private SignerSession Session(string key)
    {
        if (!_sessions.TryGetValue(key, out var s)) _sessions[key] = s = new SignerSession(key);
        return s;
    }

    private void Forget(string key)
    {
        if (_sessions.Remove(key, out var s)) s.Dispose();
    }

    private void Refuse(IActorRef to, string requestId, string code, string message, string session)
    {
        to.Tell(new Rejected { RequestId = requestId, Error = new ErrorInfo { Code = code, Message = message } });
        Audit.Record("signer", "coordinator", "request", session, "refused: " + code, LinkAttestation.Of(to));
    }

    protected override void PostStop()
    {
        foreach (var s in _sessions.Values) s.Dispose();
        _sessions.Clear();
    }
}
