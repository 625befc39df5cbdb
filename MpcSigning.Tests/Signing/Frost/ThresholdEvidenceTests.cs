using Google.Protobuf;
using MpcSigning.Proto.Frost;
using MpcSigning.Signing.Frost;

namespace MpcSigning.Tests.Signing.Frost;

public class ThresholdEvidenceTests
{
    private static readonly FrostCeremonyResult Result = FrostCeremony.Run(2, 3, "artifact"u8, [1, 2]);

    private static byte[] Key => Result.PublicKeys.GroupPublicKey.ToByteArray();

    [Test]
    public void Json_WriteThenRead_RoundTripsInTheBundleShape()
    {
        var json = ThresholdEvidenceJson.Write(Result.Evidence);
        Assert.That(json, Does.StartWith("{\"ciphersuite\":\"FROST-ED25519-SHA512-v1\",\"t\":2,\"n\":3,\"groupPublicKey\":\"" + Convert.ToHexStringLower(Key) + "\""));
        Assert.That(json, Does.Contain("\"verifyingShares\":{\"1\":\"").And.EndWith("\"signers\":[1,2]}"));
        Assert.That(ThresholdEvidenceJson.Read(json), Is.EqualTo(Result.Evidence));
    }

    [TestCase("{\"t\":2}", "ciphersuite")]
    [TestCase("{\"ciphersuite\":\"x\",\"t\":2,\"n\":3,\"groupPublicKey\":\"abcd\",\"verifyingShares\":{},\"signers\":[]}", "64 hex digits")]
    [TestCase("{\"ciphersuite\":\"x\",\"t\":\"2\"}", "")] // t as a string: a type error
    [TestCase("not json", "not JSON")]
    public void Json_Malformed_FailsNamingTheField(string json, string mentions)
    {
        var e = Assert.Throws<FrostException>(() => ThresholdEvidenceJson.Read(json))!;
        Assert.That(e.Error, Is.EqualTo(FrostError.InvalidEvidence));
        Assert.That(e.Message, Does.Contain(mentions).And.StartWith("frost evidence JSON: "));
    }

    public static IEnumerable<TestCaseData> Forgeries()
    {
        yield return Case("wrong-ciphersuite", e => e.Ciphersuite = "FROST-ED448-SHAKE256-v1");
        yield return Case("threshold-one", e => e.T = 1);
        yield return Case("threshold-above-n", e => e.T = 4);
        yield return Case("share-missing", e => e.VerifyingShares.Remove(3));
        yield return Case("share-swapped", e => (e.VerifyingShares[1], e.VerifyingShares[2]) = (e.VerifyingShares[2], e.VerifyingShares[1]));
        yield return Case("share-replaced-by-group-key", e => e.VerifyingShares[3] = e.GroupPublicKey);
        yield return Case("share-not-a-point", e => e.VerifyingShares[2] = ByteString.CopyFrom(new byte[32]));
        yield return Case("too-few-signers", e => e.Signers.RemoveAt(1));
        yield return Case("duplicate-signer", e => e.Signers[1] = 1);
        yield return Case("unknown-signer", e => e.Signers[1] = 7);
        yield return Case("zero-signer", e => e.Signers[1] = 0);
    }

    private static TestCaseData Case(string name, Action<ThresholdEvidence> forge) => new TestCaseData(forge).SetArgDisplayNames(name);

    [TestCaseSource(nameof(Forgeries))]
    public void Verify_ForgedEvidence_IsInvalid(Action<ThresholdEvidence> forge)
    {
        var evidence = Result.Evidence.Clone();
        forge(evidence);
        var verdict = ThresholdEvidenceVerifier.Verify(evidence, Key);
        Assert.That(verdict.IsValid, Is.False, verdict.Message);
    }

    [Test]
    public void Verify_KeyOfAnotherSession_IsInvalid()
    {
        var other = FrostCeremony.Run(2, 3, "x"u8, [2, 3]);
        var verdict = ThresholdEvidenceVerifier.Verify(Result.Evidence, other.PublicKeys.GroupPublicKey.Span);
        Assert.That((verdict.IsValid, verdict.Error), Is.EqualTo((false, (FrostError?)FrostError.InvalidEvidence)));
        Assert.That(verdict.Message, Does.Contain("certificate"));
    }

    [Test]
    public void Verify_GenuineEvidence_IsValid() =>
        Assert.That(ThresholdEvidenceVerifier.Verify(Result.Evidence, Key).IsValid, Is.True);
}
