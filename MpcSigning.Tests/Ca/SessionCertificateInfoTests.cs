using System.Security.Cryptography.X509Certificates;
using MpcSigning.Ca;
using MpcSigning.Ca.File;

namespace MpcSigning.Tests.Ca;

public class SessionCertificateInfoTests
{
    [Test]
    public void Parse_IssuedCertificate_ReadsBackEveryBoundValue()
    {
        using var dir = new TempDir();
        using var ca = FileCertificateAuthority.LoadOrCreate(dir.Path, new CaOptions { Issuer = "https://ca.example" });
        var request = TestRequests.ForFreshKey();
        using var leaf = X509CertificateLoader.LoadCertificate(ca.IssueCodeSigningCertificate(request, DateTimeOffset.UtcNow));

        var info = SessionCertificateInfo.Parse(leaf);

        Assert.That(info.Ed25519PublicKey, Is.EqualTo(request.Ed25519PublicKey));
        Assert.That(info.SessionId, Is.EqualTo(request.SessionId));
        Assert.That(info.ArtifactDigest, Is.EqualTo(request.ArtifactDigest));
        Assert.That(info.Approvers, Is.EqualTo(request.Approvers));
        Assert.That(info.EnclaveMeasurement, Is.EqualTo(request.EnclaveMeasurement));
        Assert.That(info.Issuer, Is.EqualTo("https://ca.example"));
        Assert.That(info.SubjectAlternativeUris, Is.EqualTo(new[] { "https://mpcsign.local/session/00112233445566778899aabbccddeeff" }));
    }

    [Test]
    public void Parse_CaCertificate_IsRefusedAsNotASessionCertificate()
    {
        using var dir = new TempDir();
        using var ca = FileCertificateAuthority.LoadOrCreate(dir.Path, new CaOptions());
        Assert.That(SessionCertificateInfo.TryParse(ca.Certificate, out _, out var error), Is.False);
        Assert.That(error, Does.Contain("Ed25519"));
    }
}
