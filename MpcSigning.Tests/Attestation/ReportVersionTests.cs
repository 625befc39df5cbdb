using System.Buffers.Binary;
using MpcSigning.Attestation;
using MpcSigning.Attestation.Report;

namespace MpcSigning.Tests.Attestation;

/// <summary>
/// Report VERSION 4 (firmware 1.55.31, GCP Milan): the version 3 layout, parsed, written back and verified like 2, 3 and 5.
/// ../shared/snp holds no real version 4 report, so these use the real Genoa v3 sample relabelled (parsing) and
/// reports signed by a test VCEK (verification).
/// </summary>
public class ReportVersionTests
{
    private static byte[] GenoaAsVersion(uint version)
    {
        var bytes = SnpSample.GenoaAzure.Report;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, version);
        return bytes;
    }

    [Test]
    public void Parse_Version4Report_ReadsVersion3LayoutAndRoundTripsByteIdentical()
    {
        var bytes = GenoaAsVersion(4);
        var r = AttestationReport.Parse(bytes);
        Assert.That(r.Version, Is.EqualTo(4u));
        Assert.That((r.CpuidFamId, r.CpuidModId, r.CpuidStep), Is.EqualTo(((byte)0x19, (byte)0x11, (byte)0x01)), "CPUID is read as in version 3");
        Assert.That(r.Product, Is.EqualTo(SevProduct.Genoa));
        Assert.That((r.LaunchMitVector, r.CurrentMitVector), Is.EqualTo((0UL, 0UL)));
        Assert.That(r.ToBytes(), Is.EqualTo(bytes));
    }

    [Test]
    public void Parse_Version4ReportWithMitigationVectorBytes_RefusedAsReservedLikeVersion3()
    {
        var bytes = GenoaAsVersion(4);
        bytes[0x200] = 1;
        var ok = AttestationReport.TryParse(bytes, out _, out var code, out var message);
        Assert.That((ok, code), Is.EqualTo((false, AttestationError.ReportReservedNonZero)));
        Assert.That(message, Does.Contain("byte 0x200").And.Contain("version 4"));
    }

    [TestCase(0u)]
    [TestCase(1u)]
    [TestCase(6u)]
    [TestCase(uint.MaxValue)]
    public void Parse_VersionOutsideTheSupportedSet_RefusedNamingTheSet(uint version)
    {
        var ok = AttestationReport.TryParse(GenoaAsVersion(version), out _, out var code, out var message);
        Assert.That((ok, code), Is.EqualTo((false, AttestationError.ReportUnknownVersion)));
        Assert.That(message, Does.Contain($"VERSION is {version}").And.Contain("2, 3, 4, 5"));
    }

    [TestCase(2u)]
    [TestCase(3u)]
    [TestCase(4u)]
    [TestCase(5u)]
    public void Verify_SignedReportOfEachSupportedVersion_IsOk(uint version)
    {
        var v = SignedReports.Verify(SignedReports.Template(version));
        Assert.That(v.Ok, Is.True, v.Message);
        Assert.That(v.Report!.Version, Is.EqualTo(version));
        Assert.That(v.Product, Is.EqualTo(SevProduct.Genoa));
    }

    [Test]
    public void Verify_SignedVersion4ReportAltered_IsRejectedAsSignatureInvalid()
    {
        var bytes = SignedReports.Sign(SignedReports.Template(4));
        bytes[0x90] ^= 1;
        var v = MpcSigning.Attestation.Verification.AttestationVerifier.Verify(bytes, SignedReports.Certificates, SignedReports.Policy,
            SignedReports.ReportData, DateTimeOffset.UtcNow);
        VerifierRealSampleTests.AssertRejected(v, AttestationError.SignatureInvalid, "does not verify");
    }
}
