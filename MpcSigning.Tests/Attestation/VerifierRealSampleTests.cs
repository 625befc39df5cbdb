using MpcSigning.Attestation;
using MpcSigning.Attestation.Report;
using MpcSigning.Attestation.Verification;

namespace MpcSigning.Tests.Attestation;

public class VerifierRealSampleTests
{
    private static IEnumerable<SnpSample> Samples => SnpSample.All;

    private static AttestationVerdict Verify(SnpSample s, AttestationPolicy policy, byte[]? report = null, byte[]? reportData = null,
        AttestationCertificates? certs = null, DateTimeOffset? at = null, VerifiedChainCache? cache = null) =>
        AttestationVerifier.Verify(report ?? s.Report, certs ?? s.Certificates, policy, reportData ?? s.ReportData, at ?? SnpSample.At, cache);

    [TestCaseSource(nameof(Samples))]
    public void Verify_RealSampleUnderMatchingPolicy_IsOk(SnpSample sample)
    {
        var v = Verify(sample, sample.MatchingPolicy);
        Assert.That(v.Ok, Is.True, v.Message);
        Assert.That(v.SignerKind, Is.EqualTo(SigningKeyKind.Vcek));
    }

    [TestCaseSource(nameof(Samples))]
    public void Verify_RealSampleWithItsPolicyHashPinned_IsOk(SnpSample sample)
    {
        var hash = TeePolicyHash.Of(AttestationReport.Parse(sample.Report).Measurement);
        Assert.That(Verify(sample, sample.MatchingPolicy with { TeePolicyHash = hash }).Ok, Is.True);
    }

    [Test]
    public void Verify_DebugSampleUnderDefaultPolicy_IsRejectedAsDebug() =>
        AssertRejected(Verify(SnpSample.GoSevGuest, AttestationPolicy.Strict), AttestationError.DebugEnabled, "DEBUG=1");

    [Test]
    public void Verify_ProvisionalSampleUnderDefaultPolicy_IsRejectedAsProvisional() =>
        AssertRejected(Verify(SnpSample.Trustee, AttestationPolicy.Strict), AttestationError.ProvisionalFirmware, "COMMITTED_TCB");

    [Test]
    public void VcekExtensions_ProvisionalSample_MatchReportedTcbButNotCurrentTcb()
    {
        var r = AttestationReport.Parse(SnpSample.Trustee.Report);
        var cert = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(SnpSample.Trustee.VcekDer);
        var ext = VcekExtensions.TryRead(cert, out _)!;
        Assert.That(ext.TcbMismatch(r.ReportedTcb.Decode(SevProduct.Milan), SevProduct.Milan), Is.Null);
        Assert.That(ext.TcbMismatch(r.CurrentTcb.Decode(SevProduct.Milan), SevProduct.Milan), Does.Contain("ucodeSPL is 115"));
    }

    [Test]
    public void Verify_MilanVcekWithGenoaProductPinned_IsRejectedAsProductMismatch() =>
        AssertRejected(Verify(SnpSample.Virtee, AttestationPolicy.Strict with { Product = SevProduct.Genoa }), AttestationError.ProductMismatch, "Milan");

    [Test]
    public void Verify_MilanVcekAgainstExplicitlyTrustedGenoaRoots_FailsTheChain()
    {
        var ark = SnpSample.Root("ark_genoa.pem");
        var policy = AttestationPolicy.Strict with { TrustedSimulatedArkFingerprint = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(ark)) };
        var certs = new AttestationCertificates(SnpSample.Virtee.VcekDer, SnpSample.Root("ask_genoa.pem"), ark);
        AssertRejected(Verify(SnpSample.Virtee, policy, certs: certs), AttestationError.ChainNameMismatch, "ARK-Milan");
    }

    [Test]
    public void Verify_RootArrivingWithEvidenceNotPinned_IsRejectedAsUntrusted()
    {
        var certs = new AttestationCertificates(SnpSample.Virtee.VcekDer, SnpSample.Root("ask_genoa.pem"), SnpSample.Root("ark_genoa.pem"));
        AssertRejected(Verify(SnpSample.Virtee, AttestationPolicy.Strict, certs: certs), AttestationError.RootUntrusted, "not pinned");
    }

    [Test]
    public void Verify_AmdChainGivenWithEvidence_IsOkBecauseArkIsPinned()
    {
        var certs = new AttestationCertificates(SnpSample.Virtee.VcekDer, SnpSample.Root("ask_milan.pem"), SnpSample.Root("ark_milan.pem"));
        Assert.That(Verify(SnpSample.Virtee, AttestationPolicy.Strict, certs: certs).Ok, Is.True);
    }

    [Test]
    public void Verify_AnotherChipsVcek_IsRejected()
    {
        var certs = new AttestationCertificates(SnpSample.Trustee.VcekDer);
        Assert.That(Verify(SnpSample.Virtee, AttestationPolicy.Strict, certs: certs).Code, Is.EqualTo(AttestationError.SignatureInvalid));
    }

    [Test]
    public void Verify_WrongPolicyHash_IsRejectedAsMeasurementMismatch() =>
        AssertRejected(Verify(SnpSample.Virtee, AttestationPolicy.Strict with { TeePolicyHash = new string('a', 64) }),
            AttestationError.MeasurementMismatch, "TEE_POLICY_HASH");

    [Test]
    public void Verify_WrongReportData_IsRejectedAsReportDataMismatch()
    {
        var data = SnpSample.Virtee.ReportData;
        data[63] ^= 1;
        AssertRejected(Verify(SnpSample.Virtee, AttestationPolicy.Strict, reportData: data), AttestationError.ReportDataMismatch, "REPORT_DATA");
    }

    [Test]
    public void Verify_TimeAfterVcekExpiry_IsRejectedAsNotValid() =>
        AssertRejected(Verify(SnpSample.Virtee, AttestationPolicy.Strict, at: new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero)),
            AttestationError.CertificateNotValidAtTime, "VCEK");

    [Test]
    public void Verify_VmplOneRequired_IsRejectedAsVmplMismatch() =>
        AssertRejected(Verify(SnpSample.Virtee, AttestationPolicy.Strict with { Vmpl = 1 }), AttestationError.VmplMismatch, "VMPL 0");

    [Test]
    public void Verify_SmtForbidden_IsRejectedAsSmt() =>
        AssertRejected(Verify(SnpSample.Virtee, AttestationPolicy.Strict with { AllowSmt = false }), AttestationError.SmtNotAllowed, "SMT");

    [Test]
    public void Verify_MinimumTcbAboveReported_IsRejectedAsBelowMinimum() =>
        AssertRejected(Verify(SnpSample.Virtee, AttestationPolicy.Strict with { MinimumTcb = new TcbParts(3, 0, 9, 115) }),
            AttestationError.TcbBelowMinimum, "snp=8");

    [Test]
    public void Verify_MinimumAbiAboveFirmware_IsRejectedAsAbiTooOld() =>
        AssertRejected(Verify(SnpSample.Virtee, AttestationPolicy.Strict with { MinimumAbi = (1, 55) }), AttestationError.AbiTooOld, "1.52");

    [Test]
    public void Verify_VersionThreeRequiredForVersionTwo_IsRejected() =>
        AssertRejected(Verify(SnpSample.Virtee, AttestationPolicy.Strict with { MinimumReportVersion = 3 }), AttestationError.ReportVersionTooOld, "VERSION 2");

    [Test]
    public void Verify_SignerInfoSaysVlekButVcekGiven_IsRejectedAsSignerKindMismatch()
    {
        var bytes = SnpSample.Virtee.Report;
        bytes[0x48] = 1 << 2; // SIGNING_KEY = VLEK, but a VCEK is given
        AssertRejected(Verify(SnpSample.Virtee, AttestationPolicy.Strict, report: bytes), AttestationError.SignerKindMismatch, "VLEK");
    }

    [TestCaseSource(nameof(Samples))]
    public void Verify_AnySingleByteOfSignedRegionOrSignatureFlipped_IsRejected(SnpSample sample)
    {
        var cache = new VerifiedChainCache();
        var original = sample.Report;
        for (var i = 0; i < 0x330; i++)
        {
            var mutated = (byte[])original.Clone();
            mutated[i] ^= 0x01;
            var v = Verify(sample, sample.MatchingPolicy, report: mutated, cache: cache);
            if (v.Ok) Assert.Fail($"flipping byte 0x{i:X3} was accepted");
        }
        Assert.That(Verify(sample, sample.MatchingPolicy, cache: cache).Ok, Is.True, "the unmutated report still verifies");
    }

    [Test]
    public void Verify_CachedChain_GivesSameVerdictsAsUncached()
    {
        var cache = new VerifiedChainCache();
        foreach (var s in SnpSample.All)
        {
            Assert.That(Verify(s, s.MatchingPolicy, cache: cache).Ok, Is.True);
            Assert.That(Verify(s, s.MatchingPolicy, cache: cache).Ok, Is.True);
            Assert.That(Verify(s, s.MatchingPolicy, cache: cache, at: DateTimeOffset.UnixEpoch).Code, Is.EqualTo(AttestationError.CertificateNotValidAtTime));
        }
        Assert.That(cache.Count, Is.EqualTo(4));
    }

    internal static void AssertRejected(AttestationVerdict v, AttestationError code, string messagePart)
    {
        Assert.That(v.Ok, Is.False);
        Assert.That(v.Code, Is.EqualTo(code), v.Message);
        Assert.That(v.Message, Does.Contain(messagePart));
    }
}
