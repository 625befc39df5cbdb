using Google.Protobuf;
using MpcSigning.Crypto;
using MpcSigning.Proto.Frost;
using MpcSigning.Signing.Frost;

namespace MpcSigning.Tests.Signing.Frost;

/// <summary>RFC 9591 Appendix E.1 and the Zcash Foundation's second set, byte for byte, through the participant API.</summary>
[TestFixtureSource(typeof(SigningVector), nameof(SigningVector.Files))]
public class FrostVectorTests(string file)
{
    private readonly SigningVector _v = SigningVector.Load(file);

    [Test]
    public void TrustedDealer_VectorSecretAndCoefficients_ReproducesSharesAndGroupKey()
    {
        var (shares, keys) = TrustedDealer.Split(_v.GroupSecret, _v.MinSigners, _v.MaxSigners, _v.Coefficients);
        try
        {
            Assert.That(keys.GroupPublicKey.ToByteArray(), Is.EqualTo(_v.GroupPublicKey));
            foreach (var (id, share) in _v.Shares) Assert.That(shares[id].ReadOnlySpan.ToArray(), Is.EqualTo(share), $"share {id}");
        }
        finally
        {
            foreach (var s in shares.Values) s.Dispose();
        }
    }

    [Test]
    public void NonceGeneration_VectorRandomness_ReproducesNonces()
    {
        foreach (var s in _v.Signers)
        {
            using var share = SecretBytes.CopyFrom(_v.Shares[s.Identifier]);
            var nonce = new byte[32];
            NonceGeneration.Generate(nonce, s.HidingRandomness, share);
            Assert.That(nonce, Is.EqualTo(s.HidingNonce), $"hiding nonce of {s.Identifier}");
            NonceGeneration.Generate(nonce, s.BindingRandomness, share);
            Assert.That(nonce, Is.EqualTo(s.BindingNonce), $"binding nonce of {s.Identifier}");
        }
    }

    [Test]
    public void Rounds_VectorRandomness_ReproduceEveryIntermediateAndTheSignature()
    {
        var (shares, keys) = TrustedDealer.Split(_v.GroupSecret, _v.MinSigners, _v.MaxSigners, _v.Coefficients);
        var participants = _v.Signers.ToDictionary(s => s.Identifier, s => FrostParticipant.FromDealerShare(s.Identifier, shares[s.Identifier], keys));
        try
        {
            var package = new SigningPackage { Message = ByteString.CopyFrom(_v.Message) };
            foreach (var s in _v.Signers)
            {
                var c = participants[s.Identifier].CommitCore(s.HidingRandomness, s.BindingRandomness);
                Assert.That(c.Hiding.ToByteArray(), Is.EqualTo(s.HidingCommitment), $"hiding commitment of {s.Identifier}");
                Assert.That(c.Binding.ToByteArray(), Is.EqualTo(s.BindingCommitment), $"binding commitment of {s.Identifier}");
                package.Commitments.Add(c);
            }

            var list = CommitmentList.Decode(package.Commitments);
            var context = SigningContext.Create(_v.GroupPublicKey, list, _v.Message);
            for (var i = 0; i < _v.Signers.Length; i++)
            {
                var s = _v.Signers[i];
                Assert.That(BindingFactors.Input(_v.GroupPublicKey, list, _v.Message, s.Identifier), Is.EqualTo(s.BindingFactorInput));
                Assert.That(context.Rho[i], Is.EqualTo(s.BindingFactor), $"binding factor of {s.Identifier}");
            }

            var sigShares = _v.Signers.Select(s => participants[s.Identifier].Sign(package)).ToArray();
            for (var i = 0; i < _v.Signers.Length; i++)
                Assert.That(sigShares[i].Share.ToByteArray(), Is.EqualTo(_v.Signers[i].SignatureShare), $"signature share of {_v.Signers[i].Identifier}");

            var signature = FrostAggregator.Aggregate(package, sigShares, keys);
            Assert.That(Convert.ToHexStringLower(signature), Is.EqualTo(Convert.ToHexStringLower(_v.Signature)));
            Assert.That(Ed25519.Verify(_v.GroupPublicKey, _v.Message, signature), Is.True);
        }
        finally
        {
            foreach (var p in participants.Values) p.Dispose();
            foreach (var s in shares.Values) s.Dispose();
        }
    }
}
