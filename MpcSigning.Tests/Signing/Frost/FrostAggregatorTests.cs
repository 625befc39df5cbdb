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
}
