using Google.Protobuf;
using MpcSigning.Interop;
using MpcSigning.Signing.Frost;

namespace MpcSigning.Tests.Signing.Frost;

public class FrostGroupTests
{
    [Test]
    public void MultiplySmall_EveryMultiplierUpTo300AndLargeOnes_EqualsLibsodiumScalarMult()
    {
        var s = new byte[32];
        Sodium.ScalarRandom(s);
        var encoded = Group.ScalarBaseMult(s, "test point");
        var p = Group.DecodeElement(ByteString.CopyFrom(encoded), "test point");
        foreach (var k in Enumerable.Range(1, 300).Select(i => (uint)i).Concat([65535u, 70000u, uint.MaxValue]))
            Assert.That(p.MultiplySmall(k).Encode(), Is.EqualTo(Group.ScalarMult(Group.SerializeIdentifier(k), encoded, "test")), $"k = {k}");
    }

    [Test]
    public void DeserializeElement_Identity_IsRejected()
    {
        var e = Assert.Throws<FrostException>(() => Group.DeserializeElement(ByteString.CopyFrom(Group.Identity()), "test"))!;
        Assert.That(e.Error, Is.EqualTo(FrostError.InvalidElement));
    }
}
