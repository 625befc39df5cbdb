using FsProperty = FsCheck.NUnit.PropertyAttribute;
using MpcSigning.TLog.Checkpoints;
using MpcSigning.TLog.Rekor;

namespace MpcSigning.Tests.TLog;

/// <summary>The SET payload is written straight to UTF-8; it must stay byte-identical to the RFC 8785 writer's.</summary>
public class SignedEntryTimestampTests
{
    [FsProperty(MaxTest = 300)]
    public bool Payload_AnyBodyTimeIdAndIndex_SameBytesAsCanonicalJson(byte[] body, long integratedTime, byte[] logId, long logIndex)
    {
        var reference = new CanonicalJson().Raw("{")
            .Key("body").String(Convert.ToBase64String(body)).Raw(",")
            .Key("integratedTime").Number(integratedTime).Raw(",")
            .Key("logID").String(Convert.ToHexStringLower(logId)).Raw(",")
            .Key("logIndex").Number(logIndex).Raw("}")
            .ToUtf8();
        return SignedEntryTimestamp.Payload(body, integratedTime, logId, logIndex).SequenceEqual(reference);
    }

    [Test]
    public void Payload_KnownEntry_ExactText()
    {
        var payload = SignedEntryTimestamp.Payload("{}"u8, 1700000000, [0xab, 0x01], 42);
        Assert.That(System.Text.Encoding.UTF8.GetString(payload),
            Is.EqualTo("""{"body":"e30=","integratedTime":1700000000,"logID":"ab01","logIndex":42}"""));
    }

    [Test]
    public void Sign_LargeBody_VerifiesAndAnyOtherIndexDoesNot()
    {
        using var key = LogKey.FromSeed(new byte[32]);
        var body = new byte[5000];
        var set = SignedEntryTimestamp.Sign(key.SecretKey, body, 1, key.LogId, 7);
        Assert.That(SignedEntryTimestamp.Verify(key.PublicKey, set, body, 1, key.LogId, 7), Is.True);
        Assert.That(SignedEntryTimestamp.Verify(key.PublicKey, set, body, 1, key.LogId, 8), Is.False);
    }
}
