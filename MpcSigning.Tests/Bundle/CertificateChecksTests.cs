using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MpcSigning.Bundle;
using MpcSigning.Bundle.InToto;
using MpcSigning.Bundle.Verification;
using MpcSigning.Ca.File;
using MpcSigning.Tests.Ca;

namespace MpcSigning.Tests.Bundle;

public class CertificateChecksTests
{
    private SignedSession _session = null!;

    [OneTimeSetUp]
    public void CreateSession() => _session = new SignedSession();

    [OneTimeTearDown]
    public void DisposeSession() => _session.Dispose();

    [Test]
    public void VerifyCertificateChain_SigningTimeInsideValidity_Holds() =>
        Assert.That(BundleChecks.VerifyCertificateChain(_session.LeafDer, _session.Anchors, _session.SigningTime).IsOk, Is.True);

    [TestCase(-1, BundleErrorCode.CertificateNotYetValid)]
    [TestCase(10 * 60 + 1, BundleErrorCode.CertificateExpired)]
    public void VerifyCertificateChain_SigningTimeOutsideValidity_Fails(int secondsAfterIssue, BundleErrorCode expected)
    {
        var issued = new DateTimeOffset(_session.Leaf().NotBefore.ToUniversalTime(), TimeSpan.Zero);
        var r = BundleChecks.VerifyCertificateChain(_session.LeafDer, _session.Anchors, issued.AddSeconds(secondsAfterIssue));
        Assert.That(r.Code, Is.EqualTo(expected), r.Message);
    }

    [Test]
    public void VerifyCertificateChain_CertificateFromAnotherCa_Fails()
    {
        using var dir = new TempDir();
        using var other = FileCertificateAuthority.LoadOrCreate(dir.Path, new MpcSigning.Ca.CaOptions());
        var r = BundleChecks.VerifyCertificateChain(_session.LeafDer, [other.Certificate], _session.SigningTime);
        Assert.That(r.Code, Is.EqualTo(BundleErrorCode.ChainUntrusted), r.Message);
    }

    [Test]
    public void VerifyCertificateChain_NoAnchors_Fails() =>
        Assert.That(BundleChecks.VerifyCertificateChain(_session.LeafDer, [], _session.SigningTime).Code, Is.EqualTo(BundleErrorCode.NoTrustAnchors));

    [Test]
    public void VerifyCertificateChain_CaCertificateAsLeaf_FailsOnUsage() =>
        Assert.That(BundleChecks.VerifyCertificateChain(_session.Ca.Certificate.RawData, _session.Anchors, _session.SigningTime).Code,
            Is.EqualTo(BundleErrorCode.WrongCertificateUsage));

    [Test]
    public void VerifyCertificateChain_LeafWithoutCodeSigningFromTheSameCa_FailsOnUsage()
    {
        // Signed with the real CA key, so only the missing EKU can be the reason for refusal.
        using var caKey = ECDsa.Create();
        caKey.ImportFromPem(File.ReadAllText(Path.Combine(_session.Directory, FileCertificateAuthority.KeyFileName)));
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest("CN=not for code", leafKey, HashAlgorithmName.SHA384);
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var now = _session.IssuedAt;
        using var leaf = req.Create(_session.Ca.Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), now, now.AddMinutes(5), [1, 2, 3]);
        var r = BundleChecks.VerifyCertificateChain(leaf.RawData, _session.Anchors, now.AddMinutes(1));
        Assert.That(r.Code, Is.EqualTo(BundleErrorCode.WrongCertificateUsage));
        Assert.That(r.Message, Does.Contain("codeSigning"));
    }

    [Test]
    public void VerifyCertificateBinding_HonestStatement_Holds()
    {
        using var leaf = _session.Leaf();
        Assert.That(BundleChecks.VerifyCertificateBinding(leaf, _session.Statement), Is.EqualTo(BundleCheckResult.Success));
    }

    private static IEnumerable<TestCaseData> Rebindings()
    {
        var p = SignedSession.Predicate();
        var other = new byte[32];
        other[0] = 7;
        yield return Case("other session id", p with { SessionId = new byte[16] }, BundleErrorCode.SessionIdMismatch);
        yield return Case("other artifact digest", p with { ArtifactDigest = other }, BundleErrorCode.ArtifactDigestMismatch);
        yield return Case("an approver dropped", p with { Approvers = p.Approvers.Skip(1).ToList() }, BundleErrorCode.ApproversMismatch);
        yield return Case("an approver added", p with { Approvers = [.. p.Approvers, new PredicateApprover("Mallory", "mallory@example.com", "steward")] },
            BundleErrorCode.ApproversMismatch);
        yield return Case("a role changed", p with { Approvers = [p.Approvers[0] with { Role = "steward" }, .. p.Approvers.Skip(1)] },
            BundleErrorCode.ApproversMismatch);
    }

    private static TestCaseData Case(string name, QuorumApprovalPredicate p, BundleErrorCode code) =>
        new TestCaseData(p, code).SetName($"VerifyCertificateBinding_StatementWith_{name.Replace(' ', '_')}_Fails");

    [TestCaseSource(nameof(Rebindings))]
    public void VerifyCertificateBinding_StatementDisagreeingWithCertificate_Fails(QuorumApprovalPredicate predicate, BundleErrorCode expected)
    {
        using var leaf = _session.Leaf();
        var r = BundleChecks.VerifyCertificateBinding(leaf, InTotoStatement.ForArtifact("artifact.bin", predicate));
        Assert.That(r.Code, Is.EqualTo(expected), r.Message);
    }

    [Test]
    public void VerifyCertificateBinding_ApproverEmailCaseDiffers_Holds()
    {
        var p = SignedSession.Predicate();
        p = p with { Approvers = [p.Approvers[0] with { Email = p.Approvers[0].Email.ToUpperInvariant() }, .. p.Approvers.Skip(1)] };
        using var leaf = _session.Leaf();
        Assert.That(BundleChecks.VerifyCertificateBinding(leaf, InTotoStatement.ForArtifact("artifact.bin", p)).IsOk, Is.True);
    }
}
