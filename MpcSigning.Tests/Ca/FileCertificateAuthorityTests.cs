using System.Security.Cryptography.X509Certificates;
using MpcSigning.Ca;
using MpcSigning.Ca.File;

namespace MpcSigning.Tests.Ca;

public class FileCertificateAuthorityTests
{
    [Test]
    public void LoadOrCreate_FirstStart_WritesOwnerOnlyKeyAndCertificate()
    {
        using var dir = new TempDir();
        using var ca = FileCertificateAuthority.LoadOrCreate(dir.Path, new CaOptions());
        var mode = System.IO.File.GetUnixFileMode(dir.File(FileCertificateAuthority.KeyFileName));
        Assert.That(mode, Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(System.IO.File.Exists(dir.File(FileCertificateAuthority.CertificateFileName)), Is.True);
        Assert.That(ca.Certificate.GetECDsaPublicKey()!.KeySize, Is.EqualTo(384));
    }

    [Test]
    public void LoadOrCreate_SecondStart_ReusesTheSameCa()
    {
        using var dir = new TempDir();
        using var first = FileCertificateAuthority.LoadOrCreate(dir.Path, new CaOptions());
        using var second = FileCertificateAuthority.LoadOrCreate(dir.Path, new CaOptions());
        Assert.That(second.Certificate.RawData, Is.EqualTo(first.Certificate.RawData));
    }

    [Test]
    public void LoadOrCreate_CertificateWithoutKey_IsRefusedAsCorrupt()
    {
        using var dir = new TempDir();
        FileCertificateAuthority.LoadOrCreate(dir.Path, new CaOptions()).Dispose();
        System.IO.File.Delete(dir.File(FileCertificateAuthority.KeyFileName));
        var e = Assert.Throws<CaException>(() => FileCertificateAuthority.LoadOrCreate(dir.Path, new CaOptions()));
        Assert.That(e!.Code, Is.EqualTo(CaErrorCode.CaStorageCorrupt));
    }

    [Test]
    public void LoadOrCreate_CertificateOfAnotherKey_IsRefusedAsCorrupt()
    {
        using var dir = new TempDir();
        using var other = new TempDir();
        FileCertificateAuthority.LoadOrCreate(dir.Path, new CaOptions()).Dispose();
        FileCertificateAuthority.LoadOrCreate(other.Path, new CaOptions()).Dispose();
        System.IO.File.Copy(other.File(FileCertificateAuthority.CertificateFileName), dir.File(FileCertificateAuthority.CertificateFileName), overwrite: true);
        var e = Assert.Throws<CaException>(() => FileCertificateAuthority.LoadOrCreate(dir.Path, new CaOptions()));
        Assert.That(e!.Code, Is.EqualTo(CaErrorCode.CaStorageCorrupt));
    }

    [Test]
    public void LoadOrCreate_GarbageKeyFile_IsRefusedAsCorrupt()
    {
        using var dir = new TempDir();
        System.IO.File.WriteAllText(dir.File(FileCertificateAuthority.KeyFileName), "not a key");
        var e = Assert.Throws<CaException>(() => FileCertificateAuthority.LoadOrCreate(dir.Path, new CaOptions()));
        Assert.That(e!.Code, Is.EqualTo(CaErrorCode.CaStorageCorrupt));
    }

    [Test]
    public void Issue_ValidRequest_CertificateHasTheRequiredShape()
    {
        using var dir = new TempDir();
        using var ca = FileCertificateAuthority.LoadOrCreate(dir.Path, new CaOptions());
        var now = DateTimeOffset.UtcNow;
        using var leaf = X509CertificateLoader.LoadCertificate(ca.IssueCodeSigningCertificate(TestRequests.ForFreshKey(), now));

        Assert.That(leaf.Version, Is.EqualTo(3));
        Assert.That(leaf.SubjectName.RawData, Is.EqualTo(new byte[] { 0x30, 0x00 }));
        Assert.That(leaf.NotAfter - leaf.NotBefore, Is.EqualTo(TimeSpan.FromMinutes(10)));
        Assert.That(leaf.SerialNumberBytes.Length, Is.EqualTo(20));
        Assert.That(leaf.SerialNumberBytes.Span[0], Is.InRange(1, 0x7F), "big-endian first octet: positive and minimal");
        Assert.That(leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().Critical, Is.True);
        var ku = leaf.Extensions.OfType<X509KeyUsageExtension>().Single();
        Assert.That((ku.Critical, ku.KeyUsages), Is.EqualTo((true, X509KeyUsageFlags.DigitalSignature)));
        var eku = leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single();
        Assert.That(eku.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value), Is.EqualTo(new[] { MpcsignOids.CodeSigning }));
        var aki = leaf.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single();
        var ski = ca.Certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single();
        Assert.That(aki.KeyIdentifier!.Value.ToArray(), Is.EqualTo(ski.SubjectKeyIdentifierBytes.ToArray()));
    }

    [Test]
    public void Issue_TwoCertificates_HaveDifferentSerials()
    {
        using var dir = new TempDir();
        using var ca = FileCertificateAuthority.LoadOrCreate(dir.Path, new CaOptions());
        var now = DateTimeOffset.UtcNow;
        using var a = X509CertificateLoader.LoadCertificate(ca.IssueCodeSigningCertificate(TestRequests.ForFreshKey(), now));
        using var b = X509CertificateLoader.LoadCertificate(ca.IssueCodeSigningCertificate(TestRequests.ForFreshKey(), now));
        Assert.That(a.SerialNumber, Is.Not.EqualTo(b.SerialNumber));
    }

    [Test]
    public void Issue_TimeBeforeCaValidity_IsRefused()
    {
        using var dir = new TempDir();
        using var ca = FileCertificateAuthority.LoadOrCreate(dir.Path, new CaOptions());
        var e = Assert.Throws<CaException>(() => ca.IssueCodeSigningCertificate(TestRequests.ForFreshKey(), ca.Certificate.NotBefore.AddDays(-1)));
        Assert.That(e!.Code, Is.EqualTo(CaErrorCode.CaNotValid));
    }
}

public class FileCertificateAuthorityRecoveryTests
{
    [Test]
    public void LoadOrCreate_KeyWithoutCertificate_RecreatesCertificateForTheSameKey()
    {
        using var dir = new TempDir();
        byte[] spki;
        using (var first = FileCertificateAuthority.LoadOrCreate(dir.Path, new CaOptions()))
            spki = first.Certificate.PublicKey.ExportSubjectPublicKeyInfo();
        System.IO.File.Delete(dir.File(FileCertificateAuthority.CertificateFileName));
        using var second = FileCertificateAuthority.LoadOrCreate(dir.Path, new CaOptions());
        Assert.That(second.Certificate.PublicKey.ExportSubjectPublicKeyInfo(), Is.EqualTo(spki));
    }

    [TestCase("not a uri")]
    [TestCase("relative/path")]
    public void LoadOrCreate_IssuerNotAnAbsoluteUri_IsRefused(string issuer)
    {
        using var dir = new TempDir();
        var e = Assert.Throws<CaException>(() => FileCertificateAuthority.LoadOrCreate(dir.Path, new CaOptions { Issuer = issuer }));
        Assert.That(e!.Code, Is.EqualTo(CaErrorCode.InvalidOptions));
    }
}
