using MpcSigning.Crypto;
using MpcSigning.Interop;

namespace MpcSigning.Tests.Crypto;

public class SodiumTests
{
    // RFC 8032 section 7.1, TEST 1 (empty message).
    private const string Rfc8032Seed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    private const string Rfc8032Public = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    private const string Rfc8032Signature =
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

    [Test]
    public void Ed25519_Rfc8032Test1_ReproducesPublicKeyAndSignature()
    {
        var (sk, pk) = Ed25519.FromSeed(Convert.FromHexString(Rfc8032Seed));
        using (sk)
        {
            Assert.That(Convert.ToHexStringLower(pk), Is.EqualTo(Rfc8032Public));
            var sig = Ed25519.Sign(sk, ReadOnlySpan<byte>.Empty);
            Assert.That(Convert.ToHexStringLower(sig), Is.EqualTo(Rfc8032Signature));
            Assert.That(Ed25519.Verify(pk, ReadOnlySpan<byte>.Empty, sig), Is.True);
            sig[0] ^= 1;
            Assert.That(Ed25519.Verify(pk, ReadOnlySpan<byte>.Empty, sig), Is.False);
        }
    }

    [Test]
    public void Sha256_Abc_MatchesFips180Vector() =>
        Assert.That(Convert.ToHexStringLower(Hashes.Sha256("abc"u8)),
            Is.EqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));

    [Test]
    public void Sha512_Parts_EqualsSha512OfConcatenation() =>
        Assert.That(Hashes.Sha512([[1, 2], [3], []]), Is.EqualTo(Hashes.Sha512(new byte[] { 1, 2, 3 })));

    [Test]
    public void SecretBytes_ToString_IsRedacted()
    {
        using var s = SecretBytes.Random(32);
        Assert.That(s.ToString(), Is.EqualTo("<redacted>"));
    }

    [Test]
    public void SecretBytes_AfterDispose_CannotBeRead()
    {
        var s = SecretBytes.Random(32);
        s.Dispose();
        Assert.That(s.IsDisposed, Is.True);
        Assert.Throws<ObjectDisposedException>(() => _ = s.Span.Length);
    }

    [Test]
    public void ScalarMultBase_ZeroScalar_IsRefused()
    {
        var q = new byte[32];
        Assert.That(Sodium.ScalarMultBase(q, new byte[32]), Is.False);
    }
}
