using MpcSigning.Tests.Ca;

namespace MpcSigning.Tests.Bundle;

/// <summary>OpenSSL verifies the DSSE signature with the key it reads from the certificate: plain RFC 8032 Ed25519.</summary>
public class OpenSslSignatureTests
{
    [Test]
    public void OpenSslPkeyutl_SignatureOverPae_VerifiesWithCertificateKey()
    {
        using var session = new SignedSession();
        var (leafPem, pubPem, pae, sig) = WriteFiles(session, session.Bundle.DsseEnvelope.Signatures[0].Sig);
        var (code, output) = Verify(pubPem, pae, sig);
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("Signature Verified Successfully"));
        Assert.That(File.Exists(leafPem), Is.True);
    }

    [Test]
    public void OpenSslPkeyutl_FlippedSignature_IsRejected()
    {
        using var session = new SignedSession();
        var (_, pubPem, pae, sig) = WriteFiles(session, BundleChecksTests.Flip(session.Bundle.DsseEnvelope.Signatures[0].Sig, 5));
        var (code, output) = Verify(pubPem, pae, sig);
        Assert.That(code, Is.Not.EqualTo(0), output);
    }

    private static (int, string) Verify(string pubPem, string pae, string sig) =>
        OpenSsl.Run("pkeyutl", "-verify", "-pubin", "-inkey", pubPem, "-rawin", "-in", pae, "-sigfile", sig);

    private static (string Leaf, string Pub, string Pae, string Sig) WriteFiles(SignedSession session, byte[] signature)
    {
        var dir = session.Directory;
        var leafPem = Path.Combine(dir, "leaf.pem");
        using (var leaf = session.Leaf()) File.WriteAllText(leafPem, leaf.ExportCertificatePem() + "\n");
        var (code, pub) = OpenSsl.Run("x509", "-in", leafPem, "-pubkey", "-noout");
        Assert.That(code, Is.EqualTo(0), pub);
        var pubPem = Path.Combine(dir, "pub.pem");
        File.WriteAllText(pubPem, pub);
        var pae = Path.Combine(dir, "pae.bin");
        File.WriteAllBytes(pae, session.Bundle.DsseEnvelope.Pae());
        var sig = Path.Combine(dir, "sig.bin");
        File.WriteAllBytes(sig, signature);
        return (leafPem, pubPem, pae, sig);
    }
}
