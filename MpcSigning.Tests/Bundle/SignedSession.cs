using System.Security.Cryptography.X509Certificates;
using MpcSigning.Bundle.Dsse;
using MpcSigning.Bundle.InToto;
using MpcSigning.Bundle.Sigstore;
using MpcSigning.Ca;
using MpcSigning.Ca.File;
using MpcSigning.Crypto;
using MpcSigning.Tests.Ca;

namespace MpcSigning.Tests.Bundle;

/// <summary>
/// One session signed end to end the way the coordinator will: a CA in a temporary directory, a fresh Ed25519
/// key (standing in for the FROST group key), its certificate, the Statement, the DSSE signature and the bundle.
/// </summary>
internal sealed class SignedSession : IDisposable
{
    public static readonly byte[] Artifact = "the artifact bytes"u8.ToArray();
    public static readonly byte[] ArtifactSha256 = Hashes.Sha256(Artifact);

    private readonly TempDir _dir = new();

    public FileCertificateAuthority Ca { get; }
    public DateTimeOffset IssuedAt { get; } = DateTimeOffset.UtcNow;
    public byte[] LeafDer { get; }
    public InTotoStatement Statement { get; }
    public SigstoreBundle Bundle { get; }
    public string Directory => _dir.Path;

    public SignedSession()
    {
        Ca = FileCertificateAuthority.LoadOrCreate(_dir.Path, new CaOptions());
        using (var sk = Ed25519.GenerateKey())
        {
            LeafDer = Ca.IssueCodeSigningCertificate(TestRequests.For(Ed25519.PublicKeyOf(sk)) with { ArtifactDigest = ArtifactSha256 }, IssuedAt);
            Statement = InTotoStatement.ForArtifact("artifact.bin", Predicate());
            var payload = Statement.ToJson();
            var sig = Ed25519.Sign(sk, Dsse.Pae(Dsse.InTotoPayloadType, payload));
            Bundle = new SigstoreBundle
            {
                CertificateDer = LeafDer,
                DsseEnvelope = new DsseEnvelope(payload, Dsse.InTotoPayloadType, [new DsseSignature(sig)]),
                TlogEntries = [SigstoreBundle.RawJson("""{"logIndex":"7","kindVersion":{"kind":"dsse","version":"0.0.1"}}""")],
                Mpcsign = SigstoreBundle.RawJson("""{"approvals":[{"email":"alice@example.com"}]}"""),
            };
        }
    }

    public IReadOnlyList<X509Certificate2> Anchors => [Ca.Certificate];

    /// <summary>The signing time the log would report: a minute after issuance.</summary>
    public DateTimeOffset SigningTime => IssuedAt.AddMinutes(1);

    public X509Certificate2 Leaf() => X509CertificateLoader.LoadCertificate(LeafDer);

    public static QuorumApprovalPredicate Predicate() => new()
    {
        SessionId = TestRequests.SessionId,
        ArtifactDigest = ArtifactSha256,
        Policy = new QuorumPolicy(2, 1),
        Approvers = TestRequests.Approvers.Select(a => new PredicateApprover(a.Email.Split('@')[0], a.Email, a.Role)).ToList(),
    };

    public void Dispose()
    {
        Ca.Dispose();
        _dir.Dispose();
    }
}
