using Google.Protobuf;
using MpcSigning.Proto.Frost;
using MpcSigning.Signing.Frost;
using MpcSigning.Tests.Crypto.Edwards25519;

namespace MpcSigning.Tests.Signing.Frost;

/// <summary>
/// Points that decode and lie on the curve but carry a small-order component (P + T_k) are refused wherever
/// they are received, now that validation runs on the managed variable-time arithmetic, and the sender is blamed.
/// </summary>
public class FrostTorsionTests
{
    private static ByteString WithTorsion(ByteString point, int k) =>
        ByteString.CopyFrom(Libsodium25519.Add(point.ToByteArray(), Libsodium25519.SmallOrder(k)));

    private static (FrostParticipant[] Ps, PublicKeyPackage Keys) Dealt()
    {
        var secret = Libsodium25519.Scalar([42]);
        var (shares, keys) = TrustedDealer.Split(secret, 2, 3);
        return (shares.Select(kv => FrostParticipant.FromDealerShare(kv.Key, kv.Value, keys)).ToArray(), keys);
    }

    [TestCase(1, "hiding"), TestCase(4, "hiding"), TestCase(2, "binding"), TestCase(7, "binding")]
    public void Sign_PeerCommitmentWithSmallOrderComponent_IsRefusedAndBlamed(int k, string which)
    {
        var (ps, _) = Dealt();
        try
        {
            var theirs = ps[1].Commit();
            if (which == "hiding") theirs.Hiding = WithTorsion(theirs.Hiding, k); else theirs.Binding = WithTorsion(theirs.Binding, k);
            var package = new SigningPackage { Message = ByteString.CopyFromUtf8("m"), Commitments = { ps[0].Commit(), theirs } };
            var e = Assert.Throws<FrostException>(() => ps[0].Sign(package))!;
            Assert.That((e.Error, e.Culprits), Is.EqualTo((FrostError.InvalidElement, (IReadOnlyList<uint>)[2u])));
        }
        finally
        {
            foreach (var p in ps) p.Dispose();
        }
    }

    [Test]
    public void Sign_OwnCommitmentReplacedByMixedOrderPoint_IsRefused()
    {
        var (ps, _) = Dealt();
        try
        {
            var mine = ps[0].Commit();
            mine.Hiding = WithTorsion(mine.Hiding, 4);
            var package = new SigningPackage { Message = ByteString.CopyFromUtf8("m"), Commitments = { mine, ps[1].Commit() } };
            Assert.That(Assert.Throws<FrostException>(() => ps[0].Sign(package))!.Error, Is.EqualTo(FrostError.InvalidElement));
        }
        finally
        {
            foreach (var p in ps) p.Dispose();
        }
    }

    [Test]
    public void Aggregate_CommitmentWithSmallOrderComponent_IsRefusedAndBlamed()
    {
        var (ps, keys) = Dealt();
        try
        {
            var package = new SigningPackage { Message = ByteString.CopyFromUtf8("m"), Commitments = { ps[0].Commit(), ps[1].Commit() } };
            var shares = ps.Take(2).Select(p => p.Sign(package)).ToArray();
            // Without the signers' group commitment, so the aggregator computes R from the package it holds (with
            // it, the signers' R makes a valid signature whatever the package holds: FrostAggregatorTests).
            foreach (var share in shares) share.GroupCommitment = ByteString.Empty;
            package.Commitments[1].Binding = WithTorsion(package.Commitments[1].Binding, 2);
            var e = Assert.Throws<FrostException>(() => FrostAggregator.Aggregate(package, shares, keys))!;
            Assert.That((e.Error, e.Culprits), Is.EqualTo((FrostError.InvalidElement, (IReadOnlyList<uint>)[2u])));
        }
        finally
        {
            foreach (var p in ps) p.Dispose();
        }
    }

    [TestCase(0, 1), TestCase(0, 4), TestCase(1, 6)]
    public void DkgPart2_CommitmentWithSmallOrderComponent_IsRefusedAndBlamed(int coefficient, int k)
    {
        using var a = new FrostParticipant(1, 2, 3);
        using var b = new FrostParticipant(2, 2, 3);
        using var c = new FrostParticipant(3, 2, 3);
        a.DkgPart1();
        var fromB = b.DkgPart1();
        var fromC = c.DkgPart1();
        fromB.Commitment[coefficient] = WithTorsion(fromB.Commitment[coefficient], k);
        var e = Assert.Throws<FrostException>(() => a.DkgPart2([fromB, fromC]))!;
        Assert.That((e.Error, e.Culprits), Is.EqualTo((FrostError.InvalidElement, (IReadOnlyList<uint>)[2u])));
    }
}
