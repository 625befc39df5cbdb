using Google.Protobuf;
using MpcSigning.Attestation;
using MpcSigning.Attestation.Verification;

namespace MpcSigning.Tests.Attestation;

public class EvidenceMessagesTests
{
    [Test]
    public void AttestationEvidence_ProtoRoundTrip_KeepsEveryByte()
    {
        var s = SnpSample.Virtee;
        var e = new AttestationEvidence("ioctl", s.Report, new AttestationCertificates(s.VcekDer, [1, 2], null));
        var wire = e.ToProto().ToByteArray();
        var back = EvidenceMessages.FromProto(MpcSigning.Proto.Attestation.AttestationEvidence.Parser.ParseFrom(wire));
        Assert.That((back.ProviderKind, back.Report, back.Certificates.SigningKey, back.Certificates.Intermediate, back.Certificates.Root),
            Is.EqualTo((e.ProviderKind, e.Report, e.Certificates.SigningKey, e.Certificates.Intermediate, (byte[]?)null)));
    }

    [Test]
    public void AttestationVerdictInfo_ProtoRoundTrip_KeepsCodeAndPolicyHash()
    {
        var s = SnpSample.GoSevGuest;
        var v = AttestationVerifier.Verify(s.Report, s.Certificates, AttestationPolicy.Strict, s.ReportData, SnpSample.At);
        var info = MpcSigning.Proto.Attestation.AttestationVerdictInfo.Parser.ParseFrom(v.ToProto().ToByteArray());
        Assert.That((info.Ok, info.Code, info.Product), Is.EqualTo((false, "DebugEnabled", "Milan")));
        Assert.That(info.TeePolicyHash, Has.Length.EqualTo(64));
    }
}
