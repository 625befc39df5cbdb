using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using MpcSigning.Crypto;
using MpcSigning.Signing.Frost;

namespace MpcSigning.Tests.Signing.Frost;

public class FrostCeremonyTests
{
    [Test]
    public void Ceremony_TwoOfThree_VerifiesWithLibsodiumAndOpenSsl()
    {
        var message = "DSSEv1 28 application/vnd.in-toto+json 11 hello world"u8.ToArray();
        var result = FrostCeremony.Run(2, 3, message, [1, 3]);
        var key = result.PublicKeys.GroupPublicKey.ToByteArray();
        Assert.That(Ed25519.Verify(key, message, result.Signature), Is.True, "crypto_sign_verify_detached");
        Assert.That(OpenSslVerifies(key, message, result.Signature), Is.True, "openssl pkeyutl -verify -rawin");
        result.Signature[5] ^= 1;
        Assert.That(OpenSslVerifies(key, message, result.Signature), Is.False, "a flipped bit must fail, or the check proves nothing");
    }

    [Test]
    public void Ceremony_Evidence_VerifiesAgainstTheGroupKey()
    {
        var result = FrostCeremony.Run(3, 5, "m"u8, [2, 4, 5]);
        Assert.That(ThresholdEvidenceVerifier.Verify(result.Evidence, result.PublicKeys.GroupPublicKey.Span), Is.EqualTo(FrostVerdict.Valid));
        Assert.That(result.Evidence.Signers, Is.EqualTo(new uint[] { 2, 4, 5 }));
    }

    /// <summary>Random t-of-n up to 10-of-15, random message, random signing subset of at least t: the signature verifies.</summary>
    [FsCheck.NUnit.Property(MaxTest = 12)]
    public Property Ceremony_RandomThresholdMessageAndSubset_AlwaysVerifies() =>
        Prop.ForAll(Arbitraries(), x =>
        {
            var (t, n, message, signers) = x;
            var result = FrostCeremony.Run(t, n, message, signers);
            return Ed25519.Verify(result.PublicKeys.GroupPublicKey.Span, message, result.Signature)
                && ThresholdEvidenceVerifier.Verify(result.Evidence, result.PublicKeys.GroupPublicKey.Span).IsValid;
        });

    private static Arbitrary<(int, int, byte[], uint[])> Arbitraries() =>
        (from n in Gen.Choose(2, 15)
         from t in Gen.Choose(2, Math.Min(n, 10))
         from size in Gen.Choose(t, n)
         from signers in Gen.Shuffle(Enumerable.Range(1, n).Select(i => (uint)i).ToArray())
         from message in Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>())
         select (t, n, message, signers.Take(size).ToArray())).ToArbitrary();

    /// <summary>openssl pkeyutl -verify -rawin over an SPKI PEM of the key (RFC 8410 prefix 302a300506032b6570032100).</summary>
    private static bool OpenSslVerifies(byte[] publicKey, byte[] message, byte[] signature)
    {
        var dir = Directory.CreateTempSubdirectory("frost-openssl-");
        try
        {
            byte[] spki = [.. Convert.FromHexString("302a300506032b6570032100"), .. publicKey];
            File.WriteAllText(Path.Combine(dir.FullName, "pk.pem"), "-----BEGIN PUBLIC KEY-----\n" + Convert.ToBase64String(spki) + "\n-----END PUBLIC KEY-----\n");
            File.WriteAllBytes(Path.Combine(dir.FullName, "msg"), message);
            File.WriteAllBytes(Path.Combine(dir.FullName, "sig"), signature);
            var psi = new ProcessStartInfo("openssl", ["pkeyutl", "-verify", "-pubin", "-inkey", "pk.pem", "-rawin", "-in", "msg", "-sigfile", "sig"])
            {
                WorkingDirectory = dir.FullName, RedirectStandardOutput = true, RedirectStandardError = true,
            };
            using var process = Process.Start(psi)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 && output.Contains("Signature Verified Successfully");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
