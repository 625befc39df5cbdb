using System.Security.Cryptography.X509Certificates;
using MpcSigning.Hosting;
using MpcSigning.Tests.Support;
using MpcSigning.Transport.Tls;

namespace MpcSigning.Tests.Transport;

public class LinkCertificateAuthorityTests
{
    [Test]
    public void Issue_GivesAFreshInMemoryP256KeyChainingToTheCa()
    {
        using var ca = LinkCertificateAuthority.Create("test CA", DateTimeOffset.UtcNow);
        using var a = ca.Issue("node-a", DateTimeOffset.UtcNow);
        using var b = ca.Issue("node-a", DateTimeOffset.UtcNow);

        Assert.That(a.Certificate.HasPrivateKey, Is.True);
        Assert.That(a.Certificate.GetECDsaPublicKey()!.KeySize, Is.EqualTo(256));
        Assert.That(a.SpkiSha256, Is.Not.EqualTo(b.SpkiSha256), "every start makes a new key");
        Assert.That(a.TrustedCa.HasPrivateKey, Is.False, "peers get the CA certificate, never its key");
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca.Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.That(chain.Build(a.Certificate), Is.True);
    }

    /// <summary>A node disposes the CA (and its key) once it has its identity; the identity's trust anchor must stay usable.</summary>
    [Test]
    public void IssuedIdentity_KeepsItsTrustedCa_AfterTheCaIsDisposed()
    {
        var ca = LinkCertificateAuthority.Create("test CA", DateTimeOffset.UtcNow);
        var expected = ca.Certificate.RawData;
        using var identity = ca.Issue("node-a", DateTimeOffset.UtcNow);
        ca.Dispose();

        Assert.That(identity.TrustedCa.RawData, Is.EqualTo(expected));
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(identity.TrustedCa);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.That(chain.Build(identity.Certificate), Is.True, "the identity still chains to its CA");
    }

    [Test]
    public void DevCa_IsCreatedOnceAndSharedByEveryNodeOfTheFolder()
    {
        using var dir = new TempDir();
        using var first = LinkCertificateAuthority.OpenOrCreateDev(dir.Path);
        using var second = LinkCertificateAuthority.OpenOrCreateDev(dir.Path);

        Assert.That(second.Fingerprint, Is.EqualTo(first.Fingerprint));
        var key = Path.Combine(dir.Path, LinkCertificateAuthority.DevFolder, "ca.key");
        Assert.That(File.GetUnixFileMode(key), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public void Load_MissingKeyFile_NamesTheVariable()
    {
        using var dir = new TempDir();
        using (LinkCertificateAuthority.OpenOrCreateDev(dir.Path)) { }
        var cert = Path.Combine(dir.Path, LinkCertificateAuthority.DevFolder, "ca.crt");
        var e = Assert.Throws<ConfigException>(() => LinkCertificateAuthority.Load(cert, dir.File("nope.key")));
        Assert.That(e!.Setting, Is.EqualTo(LinkCertificateAuthority.KeyVariable));
    }

    [Test]
    public void Load_KeyOfAnotherCertificate_IsRefusedWithBothVariables()
    {
        using var one = new TempDir();
        using var two = new TempDir();
        using (LinkCertificateAuthority.OpenOrCreateDev(one.Path)) { }
        using (LinkCertificateAuthority.OpenOrCreateDev(two.Path)) { }
        var e = Assert.Throws<ConfigException>(() => LinkCertificateAuthority.Load(
            Path.Combine(one.Path, LinkCertificateAuthority.DevFolder, "ca.crt"), Path.Combine(two.Path, LinkCertificateAuthority.DevFolder, "ca.key")));
        Assert.That(e!.Message, Does.Contain(LinkCertificateAuthority.CertVariable).And.Contain(LinkCertificateAuthority.KeyVariable));
    }

    [TestCase(null, null, false, "LINK_CA_TLS_CERT/LINK_CA_TLS_KEY")]
    [TestCase("/x/ca.crt", null, true, "LINK_CA_TLS_KEY")]
    [TestCase(null, "/x/ca.key", true, "LINK_CA_TLS_CERT")]
    public void Open_WithoutAUsableCa_NamesTheVariables(string? cert, string? key, bool dev, string setting)
    {
        using var dir = new TempDir();
        var e = Assert.Throws<ConfigException>(() => LinkCertificateAuthority.Open(
            v => v == LinkCertificateAuthority.CertVariable ? cert : v == LinkCertificateAuthority.KeyVariable ? key : null, dir.Path, dev));
        Assert.That(e!.Setting, Is.EqualTo(setting));
        Assert.That(Directory.Exists(Path.Combine(dir.Path, LinkCertificateAuthority.DevFolder)), Is.False, "nothing half-created");
    }

    [Test]
    public void Open_Development_UsesTheSharedDevCa()
    {
        using var dir = new TempDir();
        using var dev = LinkCertificateAuthority.OpenOrCreateDev(dir.Path);
        using var opened = LinkCertificateAuthority.Open(_ => null, dir.Path, allowDevelopment: true);
        Assert.That(opened.Fingerprint, Is.EqualTo(dev.Fingerprint));
    }
}
