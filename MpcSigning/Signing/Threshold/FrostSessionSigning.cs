using System.Collections.Concurrent;
using Google.Protobuf;
using Akka.Actor;
using MpcSigning.Proto.Common;
using MpcSigning.Proto.Frost;
using MpcSigning.Proto.Signing;
using MpcSigning.Signing.Frost;
using MpcSigning.Signing.Identity;
using MpcSigning.Proto.Identity;

namespace MpcSigning.Signing.Threshold;

/// <summary>
/// <see cref="ISessionSigning"/> over n FROST signer actors: every signer checks the evidence and runs the DKG (the group
/// public key exists, the group secret never does), then t signers run rounds 1 and 2 over the message and the
/// coordinator aggregates. The result is an ordinary Ed25519 signature and the threshold evidence for the bundle.
/// The signers are chosen per session by <c>signerSource</c>: the same n actors in one process, or one signer per
/// reachable signer node in a cluster; a session keeps the signers its DKG ran with until it is destroyed.
/// </summary>
public sealed class FrostSessionSigning(Func<CancellationToken, Task<IReadOnlyList<IActorRef>>> signerSource, int threshold, TimeSpan timeout)
    : ISessionSigning
{
    private readonly ConcurrentDictionary<string, PublicKeyPackage> _keys = new();
    private readonly ConcurrentDictionary<string, ShareEndorsement[]> _endorsements = new();
    private readonly ConcurrentDictionary<string, IReadOnlyList<IActorRef>> _signers = new();

    /// <summary>Always the same signer actors (every signer in this process).</summary>
    public FrostSessionSigning(IReadOnlyList<IActorRef> signers, int threshold, TimeSpan timeout)
        : this(_ => Task.FromResult(signers), threshold, timeout)
    {
    }

    public async Task<byte[]> CreateKeyAsync(QuorumEvidence evidence, CancellationToken ct)
    {
        var signers = await signerSource(ct);
        _signers[Convert.ToHexStringLower(evidence.SessionId.Span)] = signers;
        var peers = signers.Select((s, i) => new SignerPeer { Identifier = (uint)(i + 1), Address = s.Path.ToStringWithAddress() }).ToArray();
        var dkgId = Guid.NewGuid().ToString("N"); // this run: a retried session's signers ignore late packages of an earlier one
        var replies = await Task.WhenAll(signers.Select((s, i) =>
        {
            var begin = new FrostDkgBegin
            {
                RequestId = Guid.NewGuid().ToString("N"), Evidence = evidence, Identifier = (uint)(i + 1),
                MinSigners = (uint)threshold, MaxSigners = (uint)signers.Count, DkgId = dkgId,
            };
            begin.Peers.AddRange(peers);
            return s.Ask<object>(begin, timeout, ct);
        }));
        var refused = replies.OfType<Rejected>().FirstOrDefault();
        if (refused is not null)
        {
            if (refused.Error.Code == "signing.evidence_refused") throw new SigningRefusedException(refused.Error.Code, refused.Error.Message);
            throw new InvalidOperationException("the signers' DKG failed: " + refused.Error.Message);
        }
        var done = replies.Cast<FrostDkgCompleted>().ToArray();
        var keys = done[0].PublicKeys;
        if (done.Any(d => !d.PublicKeys.Equals(keys)))
            throw new InvalidOperationException("the signers disagree on the DKG's public keys");
        // each signer's identity signature over its share must hold here, or the bundle would not verify
        foreach (var d in done)
        {
            var e = d.Endorsement;
            if (e is null || e.Identifier != d.Identifier || !keys.VerifyingShares.TryGetValue(d.Identifier, out var share) ||
                !Crypto.Ed25519.Verify(e.IdentityPublicKey.Span,
                    SignerIdentity.EndorsedMessage(evidence.SessionId.Span, keys.GroupPublicKey.Span, d.Identifier, share.Span, keys.MinSigners, keys.MaxSigners),
                    e.Signature.Span))
                throw new InvalidOperationException($"signer {d.Identifier} did not sign its verifying share with its identity key");
        }
        if (done.Select(d => d.Endorsement.IdentityPublicKey).Distinct().Count() != done.Length)
            throw new InvalidOperationException("two signers share one identity key; each signer needs its own");
        _endorsements[Convert.ToHexStringLower(evidence.SessionId.Span)] = done.Select(d => d.Endorsement).ToArray();
        _keys[Convert.ToHexStringLower(evidence.SessionId.Span)] = keys;
        return keys.GroupPublicKey.ToByteArray();
    }

    public async Task<SessionSignature> SignAsync(byte[] sessionId, byte[] message, CancellationToken ct)
    {
        if (!_keys.TryGetValue(Convert.ToHexStringLower(sessionId), out var keys))
            throw new InvalidOperationException("no DKG has run for this session in this process");
        var signers = _signers[Convert.ToHexStringLower(sessionId)];
        var session = ByteString.CopyFrom(sessionId);
        var chosen = signers.Take(threshold).ToArray();
        var commitments = await Task.WhenAll(chosen.Select(s => Expect<FrostCommitted>(s, new FrostCommit { RequestId = Id(), SessionId = session }, ct)));
        var package = new SigningPackage { Message = ByteString.CopyFrom(message) };
        package.Commitments.AddRange(commitments.Select(c => c.Commitments).OrderBy(c => c.Identifier));
        var shares = await Task.WhenAll(chosen.Select(s => Expect<FrostSigned>(s, new FrostSign { RequestId = Id(), SessionId = session, Package = package }, ct)));
        var signature = FrostAggregator.Aggregate(package, shares.Select(s => s.Share).ToArray(), keys);
        var ids = package.Commitments.Select(c => c.Identifier).ToArray();
        var thresholdEvidence = ThresholdEvidenceJson.FromPublicKeys(keys, ids);
        if (_endorsements.TryGetValue(Convert.ToHexStringLower(sessionId), out var endorsements)) thresholdEvidence.Endorsements.AddRange(endorsements);
        return new SessionSignature(signature, ThresholdEvidenceJson.Write(thresholdEvidence));
    }

    public void Destroy(byte[] sessionId)
    {
        _keys.TryRemove(Convert.ToHexStringLower(sessionId), out _);
        _endorsements.TryRemove(Convert.ToHexStringLower(sessionId), out _);
        if (!_signers.TryRemove(Convert.ToHexStringLower(sessionId), out var signers)) return;
        foreach (var s in signers) s.Tell(new DestroySessionKey { SessionId = ByteString.CopyFrom(sessionId) });
    }

    private async Task<T> Expect<T>(IActorRef signer, object message, CancellationToken ct)
    {
        var reply = await signer.Ask<object>(message, timeout, ct);
        return reply switch
        {
            T ok => ok,
            Rejected r => throw new InvalidOperationException($"signer {signer.Path} refused: {r.Error.Message}"),
            _ => throw new InvalidOperationException($"signer {signer.Path} replied {reply.GetType().Name}"),
        };
    }

    private static string Id() => Guid.NewGuid().ToString("N");
}
