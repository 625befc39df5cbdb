using Google.Protobuf;
using MpcSigning.Crypto;
using MpcSigning.Proto.Frost;
using MpcSigning.Signing.Frost;

namespace MpcSigning.Tests.Signing.Frost;

public class FrostParticipantTests
{
    private static readonly byte[] Message = "DSSEv1 28 application/vnd.in-toto+json 2 {}"u8.ToArray();

    /// <summary>A finished 2-of-3 DKG; the caller disposes the participants.</summary>
    private static (Dictionary<uint, FrostParticipant> Participants, PublicKeyPackage Keys) Dkg(int t = 2, int n = 3)
    {
        var ps = Enumerable.Range(1, n).ToDictionary(i => (uint)i, i => new FrostParticipant((uint)i, t, n));
        var r1 = ps.Values.Select(p => p.DkgPart1()).ToArray();
        var inbox = ps.Keys.ToDictionary(id => id, _ => new List<Round2Package>());
        foreach (var p in ps.Values)
            foreach (var (to, pkg) in p.DkgPart2(r1.Where(r => r.Sender != p.Identifier).ToArray())) inbox[to].Add(pkg);
        PublicKeyPackage keys = null!;
        foreach (var p in ps.Values) keys = p.DkgPart3(r1.Where(r => r.Sender != p.Identifier).ToArray(), inbox[p.Identifier]);
        return (ps, keys);
    }

    private static SigningPackage Package(params SigningCommitments[] commitments) =>
        new() { Message = ByteString.CopyFrom(Message), Commitments = { commitments.OrderBy(c => c.Identifier) } };

    [Test]
    public void Sign_SecondTimeWithTheSameNonces_IsImpossible()
    {
        var (ps, _) = Dkg();
        using var _1 = ps[1]; using var _2 = ps[2]; using var _3 = ps[3];
        var package = Package(ps[1].Commit(), ps[2].Commit());
        ps[1].Sign(package);
        var e = Assert.Throws<FrostException>(() => ps[1].Sign(package))!;
        Assert.That(e.Error, Is.EqualTo(FrostError.WrongState));
    }

    [Test]
    public void Sign_RefusedPackage_StillConsumesTheNonces()
    {
        var (ps, _) = Dkg();
        using var _1 = ps[1]; using var _2 = ps[2]; using var _3 = ps[3];
        var c1 = ps[1].Commit();
        Assert.That(Assert.Throws<FrostException>(() => ps[1].Sign(Package(c1)))!.Error, Is.EqualTo(FrostError.TooFewSigners));
        Assert.That(Assert.Throws<FrostException>(() => ps[1].Sign(Package(c1, ps[2].Commit())))!.Error, Is.EqualTo(FrostError.WrongState));
    }

    [Test]
    public void Aggregate_TMinusOneShares_CannotMakeASignature()
    {
        var (ps, keys) = Dkg(3, 4);
        try
        {
            // Three signers commit; only two answer. A package of two is refused by every signer outright.
            var package = Package(ps[1].Commit(), ps[2].Commit(), ps[4].Commit());
            var shares = new[] { ps[1].Sign(package), ps[2].Sign(package) };
            var e = Assert.Throws<FrostException>(() => FrostAggregator.Aggregate(package, shares, keys))!;
            Assert.That((e.Error, e.Culprits), Is.EqualTo((FrostError.TooFewSigners, (IReadOnlyList<uint>)[4u])));
            var small = Package(ps[3].Commit(), ps[4].Commit());
            Assert.That(Assert.Throws<FrostException>(() => ps[3].Sign(small))!.Error, Is.EqualTo(FrostError.TooFewSigners));
        }
        finally
        {
            foreach (var p in ps.Values) p.Dispose();
        }
    }

    [Test]
    public void Aggregate_CorruptedShare_NamesItsSigner()
    {
        var (ps, keys) = Dkg();
        using var _1 = ps[1]; using var _2 = ps[2]; using var _3 = ps[3];
        var package = Package(ps[2].Commit(), ps[3].Commit());
        var s2 = ps[2].Sign(package);
        var s3 = ps[3].Sign(package);
        // A valid scalar, just not the right one: z_3 + 1.
        var bad = ScalarMath.Add(s3.Share.Span, ScalarMath.One());
        s3.Share = ByteString.CopyFrom(bad);
        var e = Assert.Throws<FrostException>(() => FrostAggregator.Aggregate(package, [s2, s3], keys))!;
        Assert.That((e.Error, e.Culprits), Is.EqualTo((FrostError.InvalidSignatureShare, (IReadOnlyList<uint>)[3u])));
        Assert.That(e.Message, Does.Contain("3"));
    }

    [Test]
    public void DkgPart3_CorruptedSecretShare_NamesItsSender()
    {
        var ps = Enumerable.Range(1, 3).ToDictionary(i => (uint)i, i => new FrostParticipant((uint)i, 2, 3));
        try
        {
            var r1 = ps.Values.Select(p => p.DkgPart1()).ToArray();
            var toOne = ps.Values.Where(p => p.Identifier != 1).Select(p => p.DkgPart2(r1.Where(r => r.Sender != p.Identifier).ToArray())[1]).ToList();
            ps[1].DkgPart2(r1.Where(r => r.Sender != 1).ToArray());
            toOne[1].SigningShare = ByteString.CopyFrom(ScalarMath.Add(toOne[1].SigningShare.Span, ScalarMath.One()));
            var e = Assert.Throws<FrostException>(() => ps[1].DkgPart3(r1.Where(r => r.Sender != 1).ToArray(), toOne))!;
            Assert.That((e.Error, e.Culprits), Is.EqualTo((FrostError.InvalidSecretShare, (IReadOnlyList<uint>)[toOne[1].Sender])));
        }
        finally
        {
            foreach (var p in ps.Values) p.Dispose();
        }
    }

    [Test]
    public void DkgPart2_ForgedProofOfKnowledge_NamesItsSender()
    {
        using var a = new FrostParticipant(1, 2, 3);
        using var b = new FrostParticipant(2, 2, 3);
        using var c = new FrostParticipant(3, 2, 3);
        a.DkgPart1();
        var rb = b.DkgPart1();
        var rc = c.DkgPart1();
        // Replace 3's first commitment with 2's: a rogue key without knowing its secret.
        rc.Commitment[0] = rb.Commitment[0];
        var e = Assert.Throws<FrostException>(() => a.DkgPart2([rb, rc]))!;
        Assert.That((e.Error, e.Culprits), Is.EqualTo((FrostError.InvalidProofOfKnowledge, (IReadOnlyList<uint>)[3u])));
    }

    [TestCase(0, "0100000000000000000000000000000000000000000000000000000000000000")]
    [TestCase(0, "da99e28ba529cdde35a25fba9059e78ecaee239f99755b9b1aa4f65df00803e2")]
    [TestCase(1, "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05")]
    public void DkgPart2_CommitmentNotOfPrimeOrder_IsRejectedNamingItsSender(int index, string hex)
    {
        using var a = new FrostParticipant(1, 2, 3);
        using var b = new FrostParticipant(2, 2, 3);
        using var c = new FrostParticipant(3, 2, 3);
        a.DkgPart1();
        var rc = c.DkgPart1();
        rc.Commitment[index] = ByteString.CopyFrom(Convert.FromHexString(hex));
        var e = Assert.Throws<FrostException>(() => a.DkgPart2([b.DkgPart1(), rc]))!;
        Assert.That((e.Error, e.Culprits), Is.EqualTo((FrostError.InvalidElement, (IReadOnlyList<uint>)[3u])));
    }

    [Test]
    public void DkgPart2_MissingOrDuplicatePeer_IsRejected()
    {
        using var a = new FrostParticipant(1, 2, 3);
        using var b = new FrostParticipant(2, 2, 3);
        a.DkgPart1();
        var rb = b.DkgPart1();
        Assert.That(Assert.Throws<FrostException>(() => a.DkgPart2([rb]))!.Error, Is.EqualTo(FrostError.UnknownOrDuplicateIdentifier));
        using var a2 = new FrostParticipant(1, 2, 3);
        a2.DkgPart1();
        Assert.That(Assert.Throws<FrostException>(() => a2.DkgPart2([rb, rb]))!.Culprits, Is.EqualTo(new uint[] { 2 }));
    }

    [Test]
    public void Participant_OutOfOrderOrDisposed_FailsWithWrongState()
    {
        var p = new FrostParticipant(1, 2, 3);
        Assert.That(Assert.Throws<FrostException>(() => p.Commit())!.Error, Is.EqualTo(FrostError.WrongState));
        Assert.That(Assert.Throws<FrostException>(() => p.DkgPart2([]))!.Error, Is.EqualTo(FrostError.WrongState));
        p.Dispose();
        Assert.That(Assert.Throws<FrostException>(() => p.DkgPart1())!.Error, Is.EqualTo(FrostError.WrongState));
    }

    [TestCase(0u, 2, 3)]
    [TestCase(1u, 1, 3)]
    [TestCase(1u, 4, 3)]
    public void Participant_InvalidIdentifierOrThreshold_IsRejected(uint id, int t, int n) =>
        Assert.That(Assert.Throws<FrostException>(() => _ = new FrostParticipant(id, t, n))!.Error, Is.EqualTo(FrostError.InvalidParameters));

    [Test]
    public void SecretHolders_ToString_RevealNothing()
    {
        var (ps, _) = Dkg();
        using var _1 = ps[1]; using var _2 = ps[2]; using var _3 = ps[3];
        ps[1].Commit();
        using var nonces = SigningNonces.Commit(9, SecretBytes.Random(32));
        Assert.That(nonces.ToString(), Is.EqualTo("<redacted>"));
        Assert.That(ps[1].ToString(), Does.Not.Match("[0-9a-f]{16}"));
    }

    [Test]
    public void Identifier_Above255_EncodesLittleEndianOverSeveralBytes()
    {
        Assert.That(Convert.ToHexStringLower(Group.SerializeIdentifier(256)), Is.EqualTo("0001" + new string('0', 60)));
        Assert.That(Convert.ToHexStringLower(Group.SerializeIdentifier(257)), Is.EqualTo("0101" + new string('0', 60)));
        var result = FrostCeremony.Run(2, [255u, 256u, 70000u], Message, [256u, 70000u]);
        Assert.That(Ed25519.Verify(result.PublicKeys.GroupPublicKey.Span, Message, result.Signature), Is.True);
    }

    [Test]
    public void Scalar_AtOrAboveOrder_IsNotCanonical()
    {
        var order = Convert.FromHexString("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
        Assert.That(Group.IsCanonicalScalar(order), Is.False);
        order[0]--;
        Assert.That(Group.IsCanonicalScalar(order), Is.True);
        Assert.That(Group.IsCanonicalScalar(new byte[32]), Is.True);
    }
}
