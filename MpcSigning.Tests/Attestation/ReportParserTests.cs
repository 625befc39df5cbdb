using System.Buffers.Binary;
using MpcSigning.Attestation.Report;

namespace MpcSigning.Tests.Attestation;

public class ReportParserTests
{
    private static IEnumerable<SnpSample> Samples => SnpSample.All;

    [TestCaseSource(nameof(Samples))]
    public void Parse_RealSample_MatchesFieldsTxt(SnpSample sample)
    {
        var f = sample.Fields();
        var r = AttestationReport.Parse(sample.Report);
        Assert.Multiple(() =>
        {
            Assert.That(r.Version.ToString(), Is.EqualTo(f["version"]));
            Assert.That(r.GuestSvn.ToString(), Is.EqualTo(f["guest_svn"]));
            Assert.That($"0x{r.Policy.Raw:x}", Is.EqualTo(f["policy"]));
            Assert.That(r.Vmpl.ToString(), Is.EqualTo(f["vmpl"]));
            Assert.That($"0x{r.PlatformInfo:x}", Is.EqualTo(f["platform_info"]));
            Assert.That(Hex(r.ReportData), Is.EqualTo(f["report_data"]));
            Assert.That(Hex(r.Measurement), Is.EqualTo(f["measurement"]));
            Assert.That(Hex(r.FamilyId), Is.EqualTo(f["family_id"]));
            Assert.That(Hex(r.ImageId), Is.EqualTo(f["image_id"]));
            Assert.That(Hex(r.HostData), Is.EqualTo(f["host_data"]));
            Assert.That(Hex(r.IdKeyDigest), Is.EqualTo(f["id_key_digest"]));
            Assert.That(Hex(r.AuthorKeyDigest), Is.EqualTo(f["author_key_digest"]));
            Assert.That(Hex(r.ReportId), Is.EqualTo(f["report_id"]));
            Assert.That(Hex(r.ReportIdMa), Is.EqualTo(f["report_id_ma"]));
            Assert.That(Hex(r.ChipId), Is.EqualTo(f["chip_id"]));
            Assert.That(r.CurrentTcb.ToString(), Is.EqualTo(f["current_tcb"]));
            Assert.That(r.ReportedTcb.ToString(), Is.EqualTo(f["reported_tcb"]));
            Assert.That(r.CommittedTcb.ToString(), Is.EqualTo(f["committed_tcb"]));
            Assert.That(r.LaunchTcb.ToString(), Is.EqualTo(f["launch_tcb"]));
            Assert.That(r.SigningKey, Is.EqualTo(SigningKeyKind.Vcek));
            Assert.That(r.Policy.Debug, Is.EqualTo(f["debug"] == "1"));
            Assert.That(r.Policy.Smt, Is.EqualTo(f["smt"] == "1"));
        });
    }

    [Test]
    public void Parse_GenoaV3Sample_DerivesProductFromSignedCpuid()
    {
        var r = AttestationReport.Parse(SnpSample.GenoaAzure.Report);
        Assert.That((r.CpuidFamId, r.CpuidModId, r.CpuidStep), Is.EqualTo(((byte)0x19, (byte)0x11, (byte)0x01)));
        Assert.That(r.Product, Is.EqualTo(SevProduct.Genoa));
        Assert.That(r.ReportedTcb.Decode(r.Product), Is.EqualTo(new TcbParts(10, 0, 23, 84)));
        Assert.That((r.CurrentMajor, r.CurrentMinor, r.CurrentBuild), Is.EqualTo(((byte)1, (byte)55, (byte)40)));
    }

    [Test]
    public void Parse_TrusteeSample_DecodesCurrentAndReportedTcbSeparately()
    {
        var r = AttestationReport.Parse(SnpSample.Trustee.Report);
        Assert.That(r.CurrentTcb.Decode(SevProduct.Milan), Is.EqualTo(new TcbParts(3, 0, 8, 206)));
        Assert.That(r.ReportedTcb.Decode(SevProduct.Milan), Is.EqualTo(new TcbParts(3, 0, 8, 115)));
        Assert.That(r.Product, Is.EqualTo(SevProduct.Unknown), "a v2 report carries no CPUID");
    }

    [TestCaseSource(nameof(Samples))]
    public void ToBytes_RealSample_IsByteIdentical(SnpSample sample) =>
        Assert.That(AttestationReport.Parse(sample.Report).ToBytes(), Is.EqualTo(sample.Report));

    [Test]
    public void ToBytes_Version5Report_KeepsMitigationVectors()
    {
        var bytes = SnpSample.GenoaAzure.Report;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, 5);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(0x1F8), 0x11);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(0x200), 0x33);
        var r = AttestationReport.Parse(bytes);
        Assert.That((r.LaunchMitVector, r.CurrentMitVector), Is.EqualTo((0x11UL, 0x33UL)));
        Assert.That(r.ToBytes(), Is.EqualTo(bytes));
    }

    [Test]
    public void TcbVersion_TurinLayout_PutsFmcInByteZero()
    {
        var tcb = new TcbVersion(0x2A00000004030201);
        Assert.That(tcb.Decode(SevProduct.Turin), Is.EqualTo(new TcbParts(BootLoader: 2, Tee: 3, Snp: 4, Microcode: 0x2A, Fmc: 1)));
        Assert.That(TcbVersion.Encode(SevProduct.Turin, tcb.Decode(SevProduct.Turin)), Is.EqualTo(tcb));
    }

    private static string Hex(byte[] b) => Convert.ToHexStringLower(b);
}
