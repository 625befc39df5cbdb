using Google.Protobuf;
using MpcSigning.Attestation;
using MpcSigning.Attestation.Verification;
using MpcSigning.Crypto;
using MpcSigning.Proto.Attestation;

namespace MpcSigning.Hosting.Grpc;

/// <summary>
/// What a node's evidence at its gRPC edge binds: REPORT_DATA = SHA-512(label || the client's 32-byte nonce ||
/// SHA-256 of the SPKI of the TLS certificate the node presents). The nonce stops replay; the SPKI ties the TLS key
/// the client is talking to to the attested enclave.
/// </summary>
public static class NodeEvidence
{
    public const int NonceSize = 32;

    private static readonly byte[] Label = "mpcsign/grpc-evidence/v1\0"u8.ToArray();

    public static byte[] ReportData(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> spkiSha256)
    {
        if (nonce.Length != NonceSize) throw new ArgumentException($"the nonce is {NonceSize} bytes");
        if (spkiSha256.Length != 32) throw new ArgumentException("the SPKI digest is 32 bytes");
        return Hashes.Sha512([Label, nonce.ToArray(), spkiSha256.ToArray()]);
    }

    /// <summary>
    /// Null when the evidence is bound to <paramref name="nonce"/> and <paramref name="spkiSha256"/> and verifies under
    /// <paramref name="policy"/>; else one line naming what did not match.
    /// </summary>
    public static string? Problem(Evidence reply, byte[] nonce, byte[] spkiSha256, AttestationPolicy policy, DateTimeOffset now)
    {
        if (!reply.Nonce.Span.SequenceEqual(nonce))
            return "the node's attestation evidence is bound to another nonce than the one this client sent (a replayed report)";
        if (!reply.TlsSpkiSha256.Span.SequenceEqual(spkiSha256))
            return "the node's attestation evidence is bound to another TLS certificate than the one it presented on this connection";
        var e = reply.AttestationEvidence;
        if (e is null || e.Report.IsEmpty) return "the node sent no attestation report";
        var certificates = new AttestationCertificates(e.SigningCertificate.ToByteArray(),
            e.IntermediateCertificate.IsEmpty ? null : e.IntermediateCertificate.ToByteArray(),
            e.RootCertificate.IsEmpty ? null : e.RootCertificate.ToByteArray());
        var verdict = AttestationVerifier.Verify(e.Report.Span, certificates, policy, ReportData(nonce, spkiSha256), now);
        return verdict.Ok ? null : $"the node's attestation report does not verify ({verdict.Code}): {verdict.Message}";
    }
}

/// <summary>Where a node's gRPC edge gets its evidence for a client's nonce.</summary>
public interface INodeEvidenceSource
{
    Task<Evidence> GetAsync(byte[] nonce, CancellationToken ct);
}

/// <summary>The node's attestation provider, binding the nonce and its TLS certificate's SPKI.</summary>
public sealed class ProviderEvidenceSource(IAttestationProvider provider, byte[] spkiSha256) : INodeEvidenceSource
{
    public async Task<Evidence> GetAsync(byte[] nonce, CancellationToken ct)
    {
        var evidence = await provider.GetEvidenceAsync(NodeEvidence.ReportData(nonce, spkiSha256), ct);
        return new Evidence
        {
            AttestationEvidence = new MpcSigning.Proto.Attestation.AttestationEvidence
            {
                ProviderKind = evidence.ProviderKind,
                Report = ByteString.CopyFrom(evidence.Report),
                SigningCertificate = ByteString.CopyFrom(evidence.Certificates.SigningKey),
                IntermediateCertificate = evidence.Certificates.Intermediate is { } i ? ByteString.CopyFrom(i) : ByteString.Empty,
                RootCertificate = evidence.Certificates.Root is { } r ? ByteString.CopyFrom(r) : ByteString.Empty,
            },
            Nonce = ByteString.CopyFrom(nonce),
            TlsSpkiSha256 = ByteString.CopyFrom(spkiSha256),
        };
    }
}
