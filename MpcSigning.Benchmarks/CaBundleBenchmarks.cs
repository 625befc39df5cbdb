using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using MpcSigning.Bundle.Dsse;
using MpcSigning.Bundle.InToto;
using MpcSigning.Bundle.Sigstore;
using MpcSigning.Bundle.Verification;
using MpcSigning.Ca;
using MpcSigning.Ca.File;
using MpcSigning.Crypto;

namespace MpcSigning.Benchmarks;

/// <summary>Cost of certifying a session key, and of the offline bundle checks a verifier runs.</summary>
[MemoryDiagnoser]
public class CaBundleBenchmarks
{
    private string _dir = "";
    private FileCertificateAuthority _ca = null!;
    private CodeSigningRequest _request = null!;
    private SigstoreBundle _bundle = null!;
    private byte[] _json = [];
    private byte[] _digest = [];
    private X509Certificate2[] _anchors = [];
    private DateTimeOffset _now;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("mpcsign-ca-bench-").FullName;
        _ca = FileCertificateAuthority.LoadOrCreate(_dir, new CaOptions());
        _anchors = [_ca.Certificate];
        _now = DateTimeOffset.UtcNow;
        _digest = Hashes.Sha256("artifact"u8);
        using (var sk = Ed25519.GenerateKey())
        {
            _request = new CodeSigningRequest
            {
                Ed25519PublicKey = Ed25519.PublicKeyOf(sk), SessionId = new byte[16], ArtifactDigest = _digest, EnclaveMeasurement = new byte[48],
                Approvers = [("alice@example.com", ApproverRoles.Engineer), ("bob@example.com", ApproverRoles.Steward)],
            };
            var statement = InTotoStatement.ForArtifact("artifact.bin", new QuorumApprovalPredicate
            {
                SessionId = new byte[16], ArtifactDigest = _digest, Policy = new QuorumPolicy(1, 1),
                Approvers = [new PredicateApprover("Alice", "alice@example.com", "engineer"), new PredicateApprover("Bob", "bob@example.com", "steward")],
            });
            var payload = statement.ToJson();
            _bundle = new SigstoreBundle
            {
                CertificateDer = _ca.IssueCodeSigningCertificate(_request, _now),
                DsseEnvelope = new DsseEnvelope(payload, Dsse.InTotoPayloadType, [new DsseSignature(Ed25519.Sign(sk, Dsse.Pae(Dsse.InTotoPayloadType, payload)))]),
            };
        }
        _json = SigstoreBundleJson.Write(_bundle);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ca.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark]
    public byte[] IssueCertificate() => _ca.IssueCodeSigningCertificate(_request, _now);

    [Benchmark]
    public SigstoreBundle ReadBundleJson() => SigstoreBundleJson.Read(_json);

    [Benchmark]
    public bool VerifySignature() => BundleChecks.VerifySignature(_bundle).IsOk;

    [Benchmark]
    public bool VerifyCertificateChain() => BundleChecks.VerifyCertificateChain(_bundle.CertificateDer, _anchors, _now.AddMinutes(1)).IsOk;

    [Benchmark]
    public bool VerifyAll() => BundleChecks.VerifyAll(_bundle, _digest, _anchors, _now.AddMinutes(1)).IsOk;
}
