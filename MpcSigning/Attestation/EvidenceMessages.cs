using Google.Protobuf;
using MpcSigning.Attestation.Verification;

namespace MpcSigning.Attestation;

/// <summary>Conversions between the module's types and its wire messages (proto/attestation.proto).</summary>
public static class EvidenceMessages
{
    public static Proto.Attestation.AttestationEvidence ToProto(this AttestationEvidence e) => new()
    {
        ProviderKind = e.ProviderKind,
        Report = ByteString.CopyFrom(e.Report),
        SigningCertificate = ByteString.CopyFrom(e.Certificates.SigningKey),
        IntermediateCertificate = e.Certificates.Intermediate is { } i ? ByteString.CopyFrom(i) : ByteString.Empty,
        RootCertificate = e.Certificates.Root is { } r ? ByteString.CopyFrom(r) : ByteString.Empty,
    };

    public static AttestationEvidence FromProto(Proto.Attestation.AttestationEvidence m) => new(
        m.ProviderKind, m.Report.ToByteArray(),
        new AttestationCertificates(m.SigningCertificate.ToByteArray(),
            m.IntermediateCertificate.IsEmpty ? null : m.IntermediateCertificate.ToByteArray(),
            m.RootCertificate.IsEmpty ? null : m.RootCertificate.ToByteArray()));

    public static Proto.Attestation.AttestationVerdictInfo ToProto(this AttestationVerdict v) => new()
    {
        Ok = v.Ok, Code = v.Code.ToString(), Message = v.Message,
        TeePolicyHash = v.Report is { } r ? TeePolicyHash.Of(r.Measurement) : "",
        Product = v.Product.ToString(),
    };
}
