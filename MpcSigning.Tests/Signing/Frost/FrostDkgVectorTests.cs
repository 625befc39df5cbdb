using System.Text.Json.Nodes;
using Google.Protobuf;
using MpcSigning.Crypto;
using MpcSigning.Proto.Frost;
using MpcSigning.Signing.Frost;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Signing.Frost;

/// <summary>
/// The Zcash Foundation's DKG vectors (zf-dkg.json), 2-of-3. The `secret` fields are known to be inconsistent
/// (SOURCES.md) and are not read. The vectors' proofs of knowledge are fed to part 2, so the HDKG challenge
/// is checked byte for byte; the shares, signing shares, verifying shares and group key are compared.
/// </summary>
public class FrostDkgVectorTests
{
    private static readonly JsonNode Inputs =
        JsonNode.Parse(File.ReadAllText(SharedData.Path("vectors", "frost", "zf-dkg.json")))!["inputs"]!;

    private static readonly uint[] Ids = [1, 2, 3];

    private static JsonNode P(uint id) => Inputs[id.ToString()]!;

    private static Round1Package VectorRound1(uint id)
    {
        var package = new Round1Package { Sender = id, ProofOfKnowledge = ByteString.CopyFrom(SigningVector.Hex(P(id)["proof_of_knowledge"])) };
        package.Commitment.AddRange(P(id)["vss_commitments"]!.AsArray().Select(c => ByteString.CopyFrom(SigningVector.Hex(c))));
        return package;
    }

    [Test]
    public void Dkg_VectorCoefficientsAndProofs_ReproducesSharesAndKeys()
    {
        var participants = Ids.ToDictionary(id => id, id => new FrostParticipant(id, 2, 3));
        try
        {
            foreach (var (id, p) in participants)
            {
                var coefficients = SecretBytes.CopyFrom([.. SigningVector.Hex(P(id)["signing_key"]), .. SigningVector.Hex(P(id)["coefficient"])]);
                var ours = p.DkgPart1Core(coefficients);
                Assert.That(ours.Commitment.Select(c => c.ToByteArray()), Is.EqualTo(VectorRound1(id).Commitment.Select(c => c.ToByteArray())), $"commitments of {id}");
            }

            var round1 = Ids.Select(VectorRound1).ToArray();
            var inbox = Ids.ToDictionary(id => id, _ => new List<Round2Package>());
            foreach (var (id, p) in participants)
            {
                foreach (var (to, package) in p.DkgPart2(round1.Where(r => r.Sender != id).ToArray()))
                {
                    // signing_shares[j] of participant `to` is the share it received from j.
                    Assert.That(package.SigningShare.ToByteArray(), Is.EqualTo(SigningVector.Hex(P(to)["signing_shares"]![id.ToString()])), $"f_{id}({to})");
                    inbox[to].Add(package);
                }
            }

            foreach (var (id, p) in participants)
            {
                var keys = p.DkgPart3(round1.Where(r => r.Sender != id).ToArray(), inbox[id]);
                Assert.That(keys.GroupPublicKey.ToByteArray(), Is.EqualTo(SigningVector.Hex(Inputs["verifying_key"])));
                foreach (var j in Ids)
                    Assert.That(keys.VerifyingShares[j].ToByteArray(), Is.EqualTo(SigningVector.Hex(P(j)["verifying_share"])), $"verifying share {j} at {id}");
            }
        }
        finally
        {
            foreach (var p in participants.Values) p.Dispose();
        }
    }

    [Test]
    public void Dkg_VectorSigningShares_SignWithThePublishedGroupKey()
    {
        // The signing shares are the vectors' own; any two of them produce a signature under verifying_key.
        var keys = new PublicKeyPackage { MinSigners = 2, MaxSigners = 3, GroupPublicKey = ByteString.CopyFrom(SigningVector.Hex(Inputs["verifying_key"])) };
        foreach (var id in Ids) keys.VerifyingShares.Add(id, ByteString.CopyFrom(SigningVector.Hex(P(id)["verifying_share"])));
        using var a = FrostParticipant.FromDealerShare(1, SecretBytes.CopyFrom(SigningVector.Hex(P(1)["signing_share"])), keys);
        using var b = FrostParticipant.FromDealerShare(3, SecretBytes.CopyFrom(SigningVector.Hex(P(3)["signing_share"])), keys);
        var package = new SigningPackage { Message = ByteString.CopyFromUtf8("dkg"), Commitments = { a.Commit(), b.Commit() } };
        var signature = FrostAggregator.Aggregate(package, [a.Sign(package), b.Sign(package)], keys);
        Assert.That(Ed25519.Verify(keys.GroupPublicKey.Span, "dkg"u8, signature), Is.True);
    }
}
