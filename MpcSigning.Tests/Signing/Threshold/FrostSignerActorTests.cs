using Akka.Actor;
using Google.Protobuf;
using MpcSigning.Crypto;
using MpcSigning.Proto.Common;
using MpcSigning.Proto.Frost;
using MpcSigning.Proto.Signing;
using MpcSigning.Signing;
using MpcSigning.Signing.Frost;
using MpcSigning.Signing.Threshold;
using MpcSigning.Signing.Identity;
using MpcSigning.Hosting;
using MpcSigning.Tests.Transport.Support;

namespace MpcSigning.Tests.Signing.Threshold;

/// <summary>
/// Three FROST signer actors in a fresh actor system per test (Akka.TestKit through the NUnit adapter), with
/// <c>TestActor</c> in the coordinator's place: the DKG runs signer to signer, two signers sign, and the shares
/// aggregate to an Ed25519 signature; a destroyed session key cannot sign. The evidence check is replaced here
/// by a verifier with a fixed verdict; the real one is exercised by the flow tests.
/// </summary>
public class FrostSignerActorTests : MpcSigning.Tests.TestKit.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private sealed class FixedVerdict(string? why) : IQuorumEvidenceVerifier
    {
        public Task<string?> CheckAsync(QuorumEvidence evidence, CancellationToken ct) => Task.FromResult(why);
    }

    private readonly List<IDisposable> _owned = new();
    private byte[][] _pinned = [];

    [TearDown]
    public void DisposeIdentities()
    {
        foreach (var d in _owned) d.Dispose();
    }

    /// <summary>Three attested signer identities (plain seed files in a temporary directory, simulated reports).</summary>
    private SignerIdentity[] Identities()
    {
        var dir = new MpcSigning.Tests.AuthN.TempDir();
        var provider = LinkWorld.NewProvider();
        _owned.Add(dir);
        _owned.Add(provider);
        var identities = Enumerable.Range(1, 3)
            .Select(i => SignerIdentity.OpenAsync(DataDirectory.Open(dir.Path), "signer-" + i, null, provider, CancellationToken.None).GetAwaiter().GetResult())
            .ToArray();
        _owned.InsertRange(0, identities);
        _pinned = identities.Select(i => i.PublicKey).ToArray();
        return identities;
    }

    private IActorRef[] Signers(string? verdict = null)
    {
        var identities = Identities();
        return Enumerable.Range(1, 3)
            .Select(i => Sys.ActorOf(Props.Create(() => new FrostSignerActor(new FixedVerdict(verdict), identities[i - 1])), "signer-" + i)).ToArray();
    }

    private static QuorumEvidence Evidence(ByteString session) => new() { SessionId = session, ArtifactDigest = ByteString.CopyFrom(new byte[32]) };

    private FrostDkgCompleted[] RunDkg(IActorRef[] signers, ByteString session, string dkgId = "run-1")
    {
        var peers = signers.Select((s, i) => new SignerPeer { Identifier = (uint)(i + 1), Address = s.Path.ToStringWithAddress() }).ToArray();
        for (var i = 0; i < signers.Length; i++)
        {
            var begin = new FrostDkgBegin
            {
                RequestId = "dkg-" + (i + 1), Evidence = Evidence(session), Identifier = (uint)(i + 1), MinSigners = 2, MaxSigners = 3, DkgId = dkgId,
            };
            begin.Peers.AddRange(peers);
            signers[i].Tell(begin, TestActor);
        }
        return Enumerable.Range(0, 3).Select(_ => ExpectMsg<FrostDkgCompleted>(Wait)).OrderBy(c => c.Identifier).ToArray();
    }

    [Test]
    public void Signers_DkgThenTwoSign_AggregateToAnEd25519SignatureUnderTheGroupKey()
    {
        var signers = Signers();
        var session = ByteString.CopyFrom(Guid.NewGuid().ToByteArray());
        var done = RunDkg(signers, session);
        Assert.That(done.Select(d => d.PublicKeys).Distinct().Count(), Is.EqualTo(1), "every signer computes the same public keys");

        var message = "DSSEv1 payload"u8.ToArray();
        var commitments = signers.Take(2).Select(s =>
        {
            s.Tell(new FrostCommit { RequestId = "c", SessionId = session }, TestActor);
            return ExpectMsg<FrostCommitted>(Wait).Commitments;
        }).OrderBy(c => c.Identifier).ToArray();
        var package = new SigningPackage { Message = ByteString.CopyFrom(message) };
        package.Commitments.AddRange(commitments);
        var shares = signers.Take(2).Select(s =>
        {
            s.Tell(new FrostSign { RequestId = "s", SessionId = session, Package = package }, TestActor);
            return ExpectMsg<FrostSigned>(Wait).Share;
        }).ToArray();
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        var signature = FrostAggregator.Aggregate(package, shares, done[0].PublicKeys);
        Assert.That(Ed25519.Verify(done[0].PublicKeys.GroupPublicKey.Span, message, signature), Is.True);
    }

    [Test]
    public void Signers_DkgCompleted_EachSignsItsVerifyingShareWithItsOwnIdentity()
    {
        var signers = Signers();
        var session = ByteString.CopyFrom(Guid.NewGuid().ToByteArray());
        var done = RunDkg(signers, session);
        Assert.That(done.Select(d => d.Endorsement.IdentityPublicKey).Distinct().Count(), Is.EqualTo(3), "three distinct identities");
        foreach (var d in done)
        {
            var keys = d.PublicKeys;
            var message = SignerIdentity.EndorsedMessage(session.Span, keys.GroupPublicKey.Span, d.Identifier, keys.VerifyingShares[d.Identifier].Span, 2, 3);
            Assert.That(d.Endorsement.Identifier, Is.EqualTo(d.Identifier));
            Assert.That(Ed25519.Verify(d.Endorsement.IdentityPublicKey.Span, message, d.Endorsement.Signature.Span), Is.True);
            var other = SignerIdentity.EndorsedMessage(Guid.NewGuid().ToByteArray(), keys.GroupPublicKey.Span, d.Identifier, keys.VerifyingShares[d.Identifier].Span, 2, 3);
            Assert.That(Ed25519.Verify(d.Endorsement.IdentityPublicKey.Span, other, d.Endorsement.Signature.Span), Is.False, "bound to the session");
        }
    }

    /// <summary>
    /// A session retried after a failed attempt runs a new DKG; a round-1 package of the earlier run that reaches a
    /// signer late (after that run was destroyed, before the new Begin) is not taken as the peer's package of the new
    /// run (it was: 'a package from 3, which is ... repeated', and the retried session failed blaming signer 3).
    /// </summary>
    [Test]
    public void Signers_LatePackageOfAnEarlierRun_IsIgnoredAndTheNewRunCompletes()
    {
        var signers = Signers();
        var session = ByteString.CopyFrom(Guid.NewGuid().ToByteArray());
        using (var earlier = new FrostParticipant(3, 2, 3))
            signers[0].Tell(new FrostDkgRound1 { SessionId = session, Package = earlier.DkgPart1(), DkgId = "run-1" }, TestActor);

        var done = RunDkg(signers, session, "run-2");

        Assert.That(done.Select(d => d.PublicKeys).Distinct().Count(), Is.EqualTo(1), "every signer computes the same public keys");
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Test]
    public void Signer_AfterDestroySessionKey_RefusesToCommit()
    {
        var signers = Signers();
        var session = ByteString.CopyFrom(Guid.NewGuid().ToByteArray());
        RunDkg(signers, session);
        signers[0].Tell(new DestroySessionKey { SessionId = session });
        signers[0].Tell(new FrostCommit { RequestId = "late", SessionId = session }, TestActor);
        var refused = ExpectMsg<Rejected>(Wait);
        Assert.That((refused.RequestId, refused.Error.Code), Is.EqualTo(("late", "signing.frost_wrongstate")));
    }

    [Test]
    public void Signer_NotConvincedByTheEvidence_RefusesAndSendsNothingToItsPeers()
    {
        var signers = Signers("the approvals do not meet the quorum");
        var peerWatch = CreateTestProbe();
        var begin = new FrostDkgBegin { RequestId = "r", Evidence = Evidence(ByteString.CopyFrom(new byte[16])), Identifier = 1, MinSigners = 2, MaxSigners = 3 };
        begin.Peers.Add(new SignerPeer { Identifier = 1, Address = signers[0].Path.ToStringWithAddress() });
        begin.Peers.Add(new SignerPeer { Identifier = 2, Address = peerWatch.Ref.Path.ToStringWithAddress() });
        signers[0].Tell(begin, TestActor);
        Assert.That(ExpectMsg<Rejected>(Wait).Error.Code, Is.EqualTo("signing.evidence_refused"));
        peerWatch.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Test]
    public void Signer_Stopped_IsReportedToItsWatcher()
    {
        var signer = Signers()[0];
        Watch(signer);
        Sys.Stop(signer);
        ExpectTerminated(signer, Wait);
    }

    /// <summary>Stands in front of a real signer and flips a byte of the identity signature in its DKG result.</summary>
    private sealed class ForgingProxy : ReceiveActor
    {
        public ForgingProxy(IActorRef signer)
        {
            IActorRef? coordinator = null;
            Receive<FrostDkgBegin>(m =>
            {
                coordinator = Sender;
                signer.Tell(m, Self);
            });
            Receive<FrostDkgCompleted>(m =>
            {
                var forged = m.Clone();
                var sig = forged.Endorsement.Signature.ToByteArray();
                sig[0] ^= 0x01;
                forged.Endorsement.Signature = ByteString.CopyFrom(sig);
                coordinator!.Tell(forged);
            });
            ReceiveAny(m => signer.Forward(m));
        }
    }

    [Test]
    public void SessionSigning_ASignerWhoseIdentitySignatureDoesNotVerify_FailsTheKeyGeneration()
    {
        var signers = Signers();
        signers[1] = Sys.ActorOf(Props.Create(() => new ForgingProxy(signers[1])), "forging-proxy");
        var signing = new FrostSessionSigning(signers, 2, Wait);
        var e = Assert.ThrowsAsync<InvalidOperationException>(() => signing.CreateKeyAsync(Evidence(ByteString.CopyFrom(Guid.NewGuid().ToByteArray())), CancellationToken.None));
        Assert.That(e!.Message, Does.Contain("signer 2 did not sign its verifying share with its identity key"));
    }

    [Test]
    public async Task SessionSigning_HonestSigners_PutEveryIdentitySignatureIntoTheEvidence()
    {
        var signing = new FrostSessionSigning(Signers(), 2, Wait);
        var session = Guid.NewGuid().ToByteArray();
        await signing.CreateKeyAsync(Evidence(ByteString.CopyFrom(session)), CancellationToken.None);
        var signed = await signing.SignAsync(session, "payload"u8.ToArray(), CancellationToken.None);
        var evidence = MpcSigning.Signing.Frost.ThresholdEvidenceJson.Read(signed.ThresholdEvidenceJson);
        Assert.That(evidence.Endorsements.Select(x => x.Identifier), Is.EqualTo(new uint[] { 1, 2, 3 }));
        Assert.That(MpcSigning.Bundle.Verification.SignerIdentityCheck.Check(session, evidence, _pinned), Is.Null);
        signing.Destroy(session);
    }
}
