using System.Security.Cryptography.X509Certificates;
using MpcSigning.Ca;
using MpcSigning.Ca.File;

namespace MpcSigning.Tests.Ca;

/// <summary>OpenSSL, an independent implementation, must parse the session certificate and accept the chain.</summary>
public class OpenSslAcceptanceTests
{
    [Test]
    public void OpenSslText_SessionCertificate_ShowsEd25519KeyAndCodeSigning()
    {
        using var dir = new TempDir();
        using var ca = FileCertificateAuthority.LoadOrCreate(dir.Path, new CaOptions());
        var leafPath = WriteLeaf(dir, ca, DateTimeOffset.UtcNow);

        var (code, text) = OpenSsl.Run("x509", "-in", leafPath, "-noout", "-text");

        TestContext.Out.WriteLine(text);
        Assert.That(code, Is.EqualTo(0), text);
        Assert.That(text, Does.Contain("ED25519"));
        Assert.That(text, Does.Contain("Code Signing"));
        Assert.That(text, Does.Contain("Digital Signature"));
        Assert.That(text, Does.Contain("URI:https://mpcsign.local/session/00112233445566778899aabbccddeeff"));
        Assert.That(text, Does.Contain(MpcsignOids.SessionId));
    }

    [Test]
    public void OpenSslVerify_TimeInsideValidity_AcceptsChain()
    {
        using var dir = new TempDir();
        using var ca = FileCertificateAuthority.LoadOrCreate(dir.Path, new CaOptions());
        var issued = DateTimeOffset.UtcNow;
        var leafPath = WriteLeaf(dir, ca, issued);

        var (code, output) = Verify(dir, leafPath, issued.AddMinutes(5));

        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain(": OK"));
    }

    [Test]
    public void OpenSslVerify_TimeAfterValidity_RejectsChain()
    {
        using var dir = new TempDir();
        using var ca = FileCertificateAuthority.LoadOrCreate(dir.Path, new CaOptions());
        var issued = DateTimeOffset.UtcNow;
        var leafPath = WriteLeaf(dir, ca, issued);

        var (code, output) = Verify(dir, leafPath, issued.AddMinutes(11));

        Assert.That(code, Is.Not.EqualTo(0));
        Assert.That(output, Does.Contain("expired"));
    }

    // No "-purpose codesign": OpenSSL 3.0 lacks that purpose; the EKU is checked in the -text test above.
    private static (int, string) Verify(TempDir dir, string leafPath, DateTimeOffset at) =>
        OpenSsl.Run("verify", "-CAfile", dir.File(FileCertificateAuthority.CertificateFileName),
            "-attime", at.ToUnixTimeSeconds().ToString(), leafPath);

    private static string WriteLeaf(TempDir dir, FileCertificateAuthority ca, DateTimeOffset now)
    {
        using var leaf = X509CertificateLoader.LoadCertificate(ca.IssueCodeSigningCertificate(TestRequests.ForFreshKey(), now));
        var path = dir.File("leaf.pem");
        System.IO.File.WriteAllText(path, leaf.ExportCertificatePem() + "\n");
        return path;
    }
}
