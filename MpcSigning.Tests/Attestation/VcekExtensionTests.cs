using System.Security.Cryptography.X509Certificates;
using MpcSigning.Attestation.Report;
using MpcSigning.Attestation.Verification;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Attestation;

public class VcekExtensionTests
{
    private static VcekExtensions Read(string dir)
    {
        var cert = X509CertificateLoader.LoadCertificate(SnpSample.Der(SharedData.Path("snp", dir, "vcek.pem")));
        var ext = VcekExtensions.TryRead(cert, out var error);
        Assert.That(ext, Is.Not.Null, error);
        return ext!;
    }

    [Test]
    public void TryRead_TurinVcek_HasEightByteHwIdAndFmcSpl()
    {
        var ext = Read("turin-vcek-only");
        Assert.That(ext.Product, Is.EqualTo(SevProduct.Turin));
        Assert.That(ext.StructVersion, Is.EqualTo(new System.Numerics.BigInteger(1)));
        Assert.That(ext.HwId, Has.Length.EqualTo(8));
        Assert.That(ext.FmcSpl, Is.Not.Null);
        Assert.That(ext.BlSpl, Is.Not.Null);
        Assert.That(ext.UcodeSpl, Is.Not.Null);
    }

    [Test]
    public void TryRead_TurinVcek_MatchesTcbComposedFromItsOwnSplsInTurinLayout()
    {
        var ext = Read("turin-vcek-only");
        var parts = new TcbParts(ext.BlSpl!.Value, ext.TeeSpl!.Value, ext.SnpSpl!.Value, ext.UcodeSpl!.Value, ext.FmcSpl!.Value);
        var tcb = TcbVersion.Encode(SevProduct.Turin, parts);
        Assert.That(ext.TcbMismatch(tcb.Decode(SevProduct.Turin), SevProduct.Turin), Is.Null);
        Assert.That(ext.TcbMismatch(parts with { Fmc = (byte)(parts.Fmc!.Value + 1) }, SevProduct.Turin), Does.Contain("fmcSPL"));
    }

    [Test]
    public void TryRead_MilanVcekWithTwoByteUcodeSpl_ReadsValueAbove127()
    {
        var ext = Read("milan-v2-virtee");
        Assert.That((ext.ProductName, ext.UcodeSpl, ext.HwId?.Length), Is.EqualTo(("Milan-B0", (byte?)115, (int?)64)));
    }

    [TestCase("Milan-B0", SevProduct.Milan)]
    [TestCase("Genoa", SevProduct.Genoa)]
    [TestCase("Turin-C1", SevProduct.Turin)]
    [TestCase("Rome", SevProduct.Unknown)]
    public void SevProductFromName_ProductWithOrWithoutStepping_IgnoresStepping(string name, SevProduct expected) =>
        Assert.That(SevProducts.FromName(name), Is.EqualTo(expected));
}
