using System.Security.Cryptography;
using MpcSigning.AuthN.WebAuthn;

namespace MpcSigning.Tests.AuthN;

public class ApprovalChallengeTests
{
    [Test]
    public void Derive_KnownInputs_EqualsSha256OfLabelZeroSessionDigest()
    {
        var session = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");
        var digest = SHA256.HashData("artifact"u8);
        // Independent computation with .NET's SHA-256 over the documented encoding.
        var expected = SHA256.HashData([.. "mpcsign/approval/v1"u8, 0x00, .. session, .. digest]);
        Assert.That(ApprovalChallenge.Derive(session, digest), Is.EqualTo(expected));
    }

    [Test]
    public void Derive_DifferentSessionOrDigest_GivesDifferentChallenges()
    {
        var s1 = new byte[16];
        var s2 = new byte[16];
        s2[15] = 1;
        var d1 = new byte[32];
        var d2 = new byte[32];
        d2[0] = 1;
        var all = new[] { ApprovalChallenge.Derive(s1, d1), ApprovalChallenge.Derive(s2, d1), ApprovalChallenge.Derive(s1, d2) };
        Assert.That(all.Select(Convert.ToHexString), Is.Unique);
    }

    [TestCase(15, 32)]
    [TestCase(17, 32)]
    [TestCase(16, 31)]
    [TestCase(16, 64)]
    public void Derive_WrongLength_Throws(int sessionLength, int digestLength) =>
        Assert.That(() => ApprovalChallenge.Derive(new byte[sessionLength], new byte[digestLength]), Throws.ArgumentException);
}
