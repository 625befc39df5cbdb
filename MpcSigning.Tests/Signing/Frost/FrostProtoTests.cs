using Google.Protobuf;
using MpcSigning.Proto.Frost;
using MpcSigning.Signing.Frost;

namespace MpcSigning.Tests.Signing.Frost;

/// <summary>Every frost.proto message survives serialization unchanged.</summary>
public class FrostProtoTests
{
    private static ByteString B(byte fill, int length = 32) => ByteString.CopyFrom(Enumerable.Repeat(fill, length).ToArray());

    public static IEnumerable<IMessage> Messages()
    {
        yield return new Round1Package { Sender = 3, Commitment = { B(1), B(2) }, ProofOfKnowledge = B(3, 64) };
        yield return new Round2Package { Sender = 1, Recipient = 300, SigningShare = B(4) };
        yield return new SigningCommitments { Identifier = 2, Hiding = B(5), Binding = B(6) };
        yield return new SigningPackage { Message = B(7, 10), Commitments = { new SigningCommitments { Identifier = 1, Hiding = B(8), Binding = B(9) } } };
        yield return new SignatureShare { Identifier = 70000, Share = B(10) };
        yield return new PublicKeyPackage { MinSigners = 2, MaxSigners = 3, GroupPublicKey = B(11), VerifyingShares = { [1] = B(12), [2] = B(13) } };
        yield return new ThresholdEvidence { Ciphersuite = FrostSuite.Ciphersuite, T = 2, N = 3, GroupPublicKey = B(14), VerifyingShares = { [1] = B(15) }, Signers = { 1, 2 } };
    }

    [TestCaseSource(nameof(Messages))]
    public void Message_SerializeThenParse_IsEqual(IMessage message)
    {
        var parsed = message.Descriptor.Parser.ParseFrom(message.ToByteArray());
        Assert.That(parsed, Is.EqualTo(message));
        Assert.That(parsed.ToByteArray(), Is.EqualTo(message.ToByteArray()));
    }
}
