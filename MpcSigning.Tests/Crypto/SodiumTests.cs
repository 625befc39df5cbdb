using MpcSigning.Crypto;
using MpcSigning.Interop;
using KeyBlobFormat = NSec.Cryptography.KeyBlobFormat;
using KeyExportPolicies = NSec.Cryptography.KeyExportPolicies;

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
        using (var sk = Ed25519.FromSeed(Convert.FromHexString(Rfc8032Seed)))
        {
            var pk = Ed25519.PublicKeyOf(sk);
            Assert.That(Convert.ToHexStringLower(pk), Is.EqualTo(Rfc8032Public));
            var sig = Ed25519.Sign(sk, ReadOnlySpan<byte>.Empty);
            Assert.That(Convert.ToHexStringLower(sig), Is.EqualTo(Rfc8032Signature));
            Assert.That(Ed25519.Verify(pk, ReadOnlySpan<byte>.Empty, sig), Is.True);
            sig[0] ^= 1;
            Assert.That(Ed25519.Verify(pk, ReadOnlySpan<byte>.Empty, sig), Is.False);
        }
    }

    [Test]
    public void Ed25519_PrivateKey_CannotBeExported()
    {
        using var key = Ed25519.GenerateKey();
        Assert.That(key.ExportPolicy, Is.EqualTo(KeyExportPolicies.None));
        Assert.Throws<InvalidOperationException>(() => key.Export(KeyBlobFormat.RawPrivateKey));
        Assert.Throws<InvalidOperationException>(() => key.Export(KeyBlobFormat.PkixPrivateKey));
    }

    [Test]
    public void Ed25519_FromSeed_WrongLength_IsRefused() =>
        Assert.Throws<ArgumentException>(() => Ed25519.FromSeed(new byte[31]));

    [Test]
    public void Ed25519_Verify_MalformedKeyOrSignature_ReturnsFalse()
    {
        using var key = Ed25519.FromSeed(Convert.FromHexString(Rfc8032Seed));
        var pk = Ed25519.PublicKeyOf(key);
        var sig = Convert.FromHexString(Rfc8032Signature);
        Assert.Multiple(() =>
        {
            Assert.That(Ed25519.Verify(pk, ReadOnlySpan<byte>.Empty, sig), Is.True);
            Assert.That(Ed25519.Verify(pk[..31], ReadOnlySpan<byte>.Empty, sig), Is.False);
            Assert.That(Ed25519.Verify(pk, ReadOnlySpan<byte>.Empty, sig[..63]), Is.False);
            Assert.That(Ed25519.Verify([], ReadOnlySpan<byte>.Empty, []), Is.False);
        });
    }

    [Test]
    public void Sha256_Abc_MatchesFips180Vector() =>
        Assert.That(Convert.ToHexStringLower(Hashes.Sha256("abc"u8)),
            Is.EqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));

    [Test]
    public void Sha512_Abc_MatchesFips180Vector() =>
        Assert.That(Convert.ToHexStringLower(Hashes.Sha512("abc"u8)),
            Is.EqualTo("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a" +
                       "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"));

    [Test]
    public void Sha256_IntoSpan_EqualsAllocatingForm()
    {
        var digest = new byte[Hashes.Sha256Size];
        Hashes.Sha256("abc"u8, digest);
        Assert.That(digest, Is.EqualTo(Hashes.Sha256("abc"u8)));
    }

    [Test]
    public void FixedTimeEquals_LengthsAndContents()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Hashes.FixedTimeEquals([1, 2, 3], [1, 2, 3]), Is.True);
            Assert.That(Hashes.FixedTimeEquals([1, 2, 3], [1, 2, 4]), Is.False);
            Assert.That(Hashes.FixedTimeEquals([1, 2, 3], [1, 2]), Is.False);
            Assert.That(Hashes.FixedTimeEquals([], []), Is.True);
        });
    }

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
