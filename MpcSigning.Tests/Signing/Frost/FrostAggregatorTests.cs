using Google.Protobuf;
using MpcSigning.Crypto;
using MpcSigning.Proto.Frost;
using MpcSigning.Signing.Frost;
using MpcSigning.Tests.Crypto.Edwards25519;

namespace MpcSigning.Tests.Signing.Frost;

/// <summary>Aggregation under a public key package validated once (<see cref="FrostPublicKeys"/>).</summary>
public class FrostAggregatorTests
{
    private static (FrostParticipant[] Ps, PublicKeyPackage Keys) Dealt()
    {
        var (shares, keys) = TrustedDealer.Split(Libsodium25519.Scalar([7]), 2, 3);
        return (shares.Select(kv => FrostParticipant.FromDealerShare(kv.Key, kv.Value, keys)).ToArray(), keys);
    }

    [Test]
    public void Aggregate_UnderKeysValidatedOnce_MakesSignaturesThatVerify()
    {
        var (ps, keys) = Dealt();
        try
        {
            var validated = FrostPublicKeys.Validate(keys);
            Assert.That(validated.GroupPublicKey, Is.EqualTo(keys.GroupPublicKey.ToByteArray()));
            foreach (var text in new[] { "first", "second" })
            {
                var message = ByteString.CopyFromUtf8(text);
                var package = new SigningPackage { Message = message, Commitments = { ps[0].Commit(), ps[2].Commit() } };
                var shares = new[] { ps[0].Sign(package), ps[2].Sign(package) };
                var signature = FrostAggregator.Aggregate(package, shares, validated);
                Assert.That(Ed25519.Verify(validated.GroupPublicKey, message.Span, signature), Is.True, text);
                Assert.That(FrostAggregator.Aggregate(package, shares, keys), Is.EqualTo(signature), "both overloads agree");
            }
        }
        finally
        {
            foreach (var p in ps) p.Dispose();
        }
    }

    [TestCase(1), TestCase(4)]
    public void Validate_GroupKeyWithSmallOrderComponent_IsRefused(int k)
    {
        var (ps, keys) = Dealt();
        foreach (var p in ps) p.Dispose();
        keys.GroupPublicKey = ByteString.CopyFrom(Libsodium25519.Add(keys.GroupPublicKey.ToByteArray(), Libsodium25519.SmallOrder(k)));
        var e = Assert.Throws<FrostException>(() => FrostPublicKeys.Validate(keys))!;
        Assert.That(e.Error, Is.EqualTo(FrostError.InvalidElement));
        Assert.That(e.Message, Does.Contain("group public key"));
    }

    [Test]
    public void Aggregate_SharesForAnotherMessage_BlameEverySigner()
    {
        var (ps, keys) = Dealt();
        try
        {
            var package = new SigningPackage { Message = ByteString.CopyFromUtf8("signed"), Commitments = { ps[0].Commit(), ps[1].Commit() } };
            var shares = new[] { ps[0].Sign(package), ps[1].Sign(package) };
            package.Message = ByteString.CopyFromUtf8("claimed");
            var e = Assert.Throws<FrostException>(() => FrostAggregator.Aggregate(package, shares, FrostPublicKeys.Validate(keys)))!;
            Assert.That((e.Error, e.Culprits), Is.EqualTo((FrostError.InvalidSignatureShare, (IReadOnlyList<uint>)[1u, 2u])));
        }
        finally
        {
            foreach (var p in ps) p.Dispose();
        }
    }
    private static (SigningPackage Package, SignatureShare[] Shares) SignedBy(FrostParticipant a, FrostParticipant b, string text)
    {
        var package = new SigningPackage { Message = ByteString.CopyFromUtf8(text), Commitments = { a.Commit(), b.Commit() } };
        return (package, [a.Sign(package), b.Sign(package)]);
    }

    private static SignatureShare[] WithGroupCommitments(SignatureShare[] shares, params ByteString[] r) =>
        shares.Select((s, i) => new SignatureShare(s) { GroupCommitment = r[i] }).ToArray();

    [Test]
    public void Aggregate_SharesCarryTheSignersGroupCommitment_SameSignatureAsWithout()
    {
        var (ps, keys) = Dealt();
        try
        {
            var validated = FrostPublicKeys.Validate(keys);
            var (package, shares) = SignedBy(ps[1], ps[2], "artifact");
            var signature = FrostAggregator.Aggregate(package, shares, validated);
            Assert.That(shares.Select(s => s.GroupCommitment.ToByteArray()), Is.All.EqualTo(signature[..32]), "each signer sends the R of the signature");
            var without = WithGroupCommitments(shares, ByteString.Empty, ByteString.Empty);
            Assert.That(FrostAggregator.Aggregate(package, without, validated), Is.EqualTo(signature));
        }
        finally
        {
            foreach (var p in ps) p.Dispose();
        }
    }

    [Test]
    public void Aggregate_AgreedGroupCommitment_IsTriedBeforeTheCommitmentsAreRead()
    {
        var (ps, keys) = Dealt();
        try
        {
            var validated = FrostPublicKeys.Validate(keys);
            var (package, shares) = SignedBy(ps[0], ps[1], "artifact");
            // After signing, signer 2's binding commitment in the aggregator's package is replaced by another valid
            // point: computing R from the package gives another R, so only the signers' own R makes the signature.
            package.Commitments[1].Binding = package.Commitments[0].Hiding;
            var signature = FrostAggregator.Aggregate(package, shares, validated);
            Assert.That(Ed25519.Verify(validated.GroupPublicKey, package.Message.Span, signature), Is.True);
            var without = WithGroupCommitments(shares, ByteString.Empty, ByteString.Empty);
            Assert.Throws<FrostException>(() => FrostAggregator.Aggregate(package, without, validated));
        }
        finally
        {
            foreach (var p in ps) p.Dispose();
        }
    }

    [Test]
    public void Aggregate_WrongOrDisagreeingGroupCommitments_FallBackToComputingR()
    {
        var (ps, keys) = Dealt();
        try
        {
            var validated = FrostPublicKeys.Validate(keys);
            var (package, shares) = SignedBy(ps[0], ps[2], "artifact");
            var signature = FrostAggregator.Aggregate(package, shares, validated);
            var other = package.Commitments[0].Hiding;
            var right = shares[0].GroupCommitment;
            foreach (var (what, tampered) in new[]
                     {
                         ("both send the same wrong R", WithGroupCommitments(shares, other, other)),
                         ("one sends a wrong R", WithGroupCommitments(shares, right, other)),
                         ("one sends 31 bytes", WithGroupCommitments(shares, ByteString.CopyFrom(right.Span[..31]), ByteString.CopyFrom(right.Span[..31]))),
                         ("one sends none", WithGroupCommitments(shares, ByteString.Empty, right)),
                     })
                Assert.That(FrostAggregator.Aggregate(package, tampered, validated), Is.EqualTo(signature), what);
        }
        finally
        {
            foreach (var p in ps) p.Dispose();
        }
    }

    [Test]
    public void Aggregate_TamperedShareWithTheRightGroupCommitment_BlamesItsSigner()
    {
        var (ps, keys) = Dealt();
        try
        {
            var (package, shares) = SignedBy(ps[0], ps[2], "artifact");
            var z = shares[1].Share.ToByteArray();
            z[0] ^= 1;
            shares[1].Share = ByteString.CopyFrom(z);
            var e = Assert.Throws<FrostException>(() => FrostAggregator.Aggregate(package, shares, FrostPublicKeys.Validate(keys)))!;
            Assert.That((e.Error, e.Culprits), Is.EqualTo((FrostError.InvalidSignatureShare, (IReadOnlyList<uint>)[3u])));
        }
        finally
        {
            foreach (var p in ps) p.Dispose();
        }
    }
}
