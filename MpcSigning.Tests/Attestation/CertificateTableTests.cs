using MpcSigning.Attestation;
using MpcSigning.Attestation.Providers;
using MpcSigning.Attestation.Providers.SevGuestIoctl;

namespace MpcSigning.Tests.Attestation;

public class CertificateTableTests
{
    [Test]
    public void Parse_BuiltTable_ReturnsEachCertificateByGuid()
    {
        var table = CertificateTable.Build([(CertificateTable.Vcek, [1, 2, 3]), (CertificateTable.Ask, [4]), (CertificateTable.Ark, [5, 6])]);
        var certs = CertificateTable.ToCertificates(CertificateTable.Parse(table), "test");
        Assert.That((certs.SigningKey, certs.Intermediate, certs.Root), Is.EqualTo((new byte[] { 1, 2, 3 }, new byte[] { 4 }, new byte[] { 5, 6 })));
    }

    [Test]
    public void Parse_GuidBytes_AreInRfc4122Order()
    {
        var table = CertificateTable.Build([(CertificateTable.Vcek, [1])]);
        Assert.That(Convert.ToHexStringLower(table[..16]), Is.EqualTo("63da758de6644564adc5f4b93be8accd"));
    }

    [Test]
    public void Parse_EntryPastEnd_FailsNamingTheEntry()
    {
        var table = CertificateTable.Build([(CertificateTable.Vcek, [1, 2, 3])]);
        table[20] = 0xFF; // length of entry 0
        var e = Assert.Throws<AttestationException>(() => CertificateTable.Parse(table));
        Assert.That(e!.Code, Is.EqualTo(AttestationError.CertificateTableMalformed));
        Assert.That(e.Message, Does.Contain("entry 0"));
    }

    [Test]
    public void Parse_NoTerminator_Fails() =>
        Assert.Throws<AttestationException>(() => CertificateTable.Parse(new byte[24] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }));

    [Test]
    public void ToCertificates_TableWithoutVcekOrVlek_FailsSayingWhereToGetIt()
    {
        var e = Assert.Throws<AttestationException>(() => CertificateTable.ToCertificates(CertificateTable.Parse(CertificateTable.Build([(CertificateTable.Ask, [1])])), "x"));
        Assert.That(e!.Message, Does.Contain("KDS"));
    }

    [TestCase(0x16UL, "INVALID_PARAM")]
    [TestCase(2UL << 32, "busy")]
    [TestCase((1UL << 32) | 0x4, "INVALID_LENGTH")]
    public void SevFirmwareStatusDescribe_ExitInfo2_NamesFirmwareAndVmmError(ulong exitInfo2, string expected) =>
        Assert.That(SevFirmwareStatus.Describe(exitInfo2), Does.Contain(expected));

    [Test]
    public void ReportFromResponse_MsgReportRsp_ReturnsReportAfterHeader()
    {
        var resp = new byte[4000];
        resp[4] = 0xA0; resp[5] = 0x04;
        resp[0x20] = 5;
        Assert.That(SevGuestIoctlProvider.ReportFromResponse(resp), Has.Length.EqualTo(0x4A0));
        Assert.That(SevGuestIoctlProvider.ReportFromResponse(resp)[0], Is.EqualTo(5));
    }
}
