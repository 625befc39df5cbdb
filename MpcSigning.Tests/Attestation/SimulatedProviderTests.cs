using System.Security.Cryptography;
using MpcSigning.Attestation;
using MpcSigning.Attestation.Providers.Simulated;
using MpcSigning.Attestation.Report;
using MpcSigning.Attestation.Verification;

namespace MpcSigning.Tests.Attestation;

/// <summary>The simulated hierarchy (two RSA-4096 keys) is created once for the fixture in a temp data dir.</summary>
public class SimulatedProviderTests
{
    private string _dataDir = "";
    private SimulatedProvider _provider = null!;

    [OneTimeSetUp]
    public void CreateHierarchy()
    {
        _dataDir = Path.Combine(Path.GetTempPath(), "mpcsign-attest-" + Guid.NewGuid().ToString("N"));
        _provider = SimulatedProvider.Open(_dataDir);
    }

    [OneTimeTearDown]
    public void Cleanup()
    {
        _provider.Dispose();
        Directory.Delete(_dataDir, recursive: true);
    }

    private static byte[] Nonce() => RandomNumberGenerator.GetBytes(64);

    private AttestationPolicy Trusting => AttestationPolicy.Strict with { TrustedSimulatedArkFingerprint = _provider.ArkFingerprint };

    [Test]
    public async Task GetEvidence_VerifiedWithSimulatedRootPinned_IsOk()
    {
        var data = Nonce();
        var e = await _provider.GetEvidenceAsync(data, CancellationToken.None);
        var v = AttestationVerifier.Verify(e.Report, e.Certificates, Trusting, data, DateTimeOffset.UtcNow);
        Assert.That(v.Ok, Is.True, v.Message);
        Assert.That(v.Report!.Version, Is.EqualTo(5));
        Assert.That(v.Product, Is.EqualTo(SevProduct.Genoa));
        Assert.That(v.Report.Measurement, Is.EqualTo(BuildMeasurement.Current()));
    }

    [Test]
    public async Task GetEvidence_VerifiedWithoutSimulationAllowed_IsRejectedAsUntrustedRoot()
    {
        var data = Nonce();
        var e = await _provider.GetEvidenceAsync(data, CancellationToken.None);
        var v = AttestationVerifier.Verify(e.Report, e.Certificates, AttestationPolicy.Strict, data, DateTimeOffset.UtcNow);
        VerifierRealSampleTests.AssertRejected(v, AttestationError.RootUntrusted, "not pinned");
    }

    [Test]
    public async Task GetEvidence_SimulatedVcekWithAmdRootsOnly_IsRejected()
    {
        var data = Nonce();
        var e = await _provider.GetEvidenceAsync(data, CancellationToken.None);
        var v = AttestationVerifier.Verify(e.Report, new AttestationCertificates(e.Certificates.SigningKey), AttestationPolicy.Strict, data, DateTimeOffset.UtcNow);
        Assert.That(v.Code, Is.EqualTo(AttestationError.ChainNameMismatch).Or.EqualTo(AttestationError.ChainSignatureInvalid));
    }

    [Test]
    public async Task GetEvidence_PinnedPolicyHash_MatchesBuildMeasurement()
    {
        var data = Nonce();
        var e = await _provider.GetEvidenceAsync(data, CancellationToken.None);
        var policy = Trusting with { TeePolicyHash = TeePolicyHash.Of(BuildMeasurement.Current()) };
        Assert.That(AttestationVerifier.Verify(e.Report, e.Certificates, policy, data, DateTimeOffset.UtcNow).Ok, Is.True);
    }

    [Test]
    public async Task GetEvidence_ReportBytes_RoundTripThroughParser()
    {
        var e = await _provider.GetEvidenceAsync(Nonce(), CancellationToken.None);
        Assert.That(AttestationReport.Parse(e.Report).ToBytes(), Is.EqualTo(e.Report));
    }

    [Test]
    public void Open_SameDataDirectoryTwice_ReusesTheHierarchyAndKeyFileIsOwnerOnly()
    {
        using var again = SimulatedProvider.Open(_dataDir);
        Assert.That(again.ArkFingerprint, Is.EqualTo(_provider.ArkFingerprint));
        var mode = File.GetUnixFileMode(Path.Combine(_dataDir, "snp-simulated", "vcek.key"));
        Assert.That(mode, Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public void BuildMeasurement_ChangedBuildFile_ChangesMeasurement()
    {
        var dir = Path.Combine(_dataDir, "fake-build");
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "mpcsign.dll"), [1, 2, 3]);
        var before = BuildMeasurement.Of(dir);
        File.WriteAllBytes(Path.Combine(dir, "mpcsign.dll"), [1, 2, 4]);
        Assert.That(BuildMeasurement.Of(dir), Has.Length.EqualTo(48).And.Not.EqualTo(before));
    }

    [Test]
    public async Task GetEvidence_ThroughFactoryWithSimulationAllowed_VerifiesWithFactoryPolicy()
    {
        var options = new AttestationOptions { Provider = AttestationProviderKind.Simulated, AllowSimulated = true };
        var provider = AttestationProviders.Create(options, _dataDir);
        var data = Nonce();
        var e = await provider.GetEvidenceAsync(data, CancellationToken.None);
        var policy = AttestationProviders.VerificationPolicy(options, provider);
        Assert.That(AttestationVerifier.Verify(e.Report, e.Certificates, policy, data, DateTimeOffset.UtcNow).Ok, Is.True);
        var strict = AttestationProviders.VerificationPolicy(options with { AllowSimulated = false }, provider);
        Assert.That(AttestationVerifier.Verify(e.Report, e.Certificates, strict, data, DateTimeOffset.UtcNow).Ok, Is.False);
    }
}
