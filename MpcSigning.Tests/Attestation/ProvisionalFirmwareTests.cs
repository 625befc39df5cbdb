using MpcSigning.Attestation;
using MpcSigning.Attestation.Report;

namespace MpcSigning.Tests.Attestation;

/// <summary>
/// Provisional firmware (AllowProvisionalFirmware, --allow-provisional-firmware) lets COMMITTED lag CURRENT, never
/// lead it, and the certificate's TCB is at most CURRENT under every policy: go-sev-guest's validate.go
/// (validateTcb, validateVersion) with PermitProvisionalFirmware. TCBs are ordered per component (SPL).
/// </summary>
public class ProvisionalFirmwareTests
{
    private static readonly TcbParts Cert = MpcSigning.Attestation.Providers.Simulated.SimulatedAuthority.Tcb;
    private static AttestationPolicy Provisional => SignedReports.Policy with { AllowProvisionalFirmware = true };

    private static TcbVersion With(byte? snp = null, byte? ucode = null) =>
        SignedReports.Tcb(Cert with { Snp = snp ?? Cert.Snp, Microcode = ucode ?? Cert.Microcode });

    [Test]
    public void Verify_CommittedBehindCurrent_OkOnlyWhenProvisionalAllowed()
    {
        var report = SignedReports.Template(current: With(ucode: (byte)(Cert.Microcode + 7)), currentFirmware: (1, 59, 4));
        var v = SignedReports.Verify(report, Provisional);
        Assert.That(v.Ok, Is.True, v.Message);
        VerifierRealSampleTests.AssertRejected(SignedReports.Verify(report), AttestationError.ProvisionalFirmware, "COMMITTED_TCB");
    }

    [Test]
    public void Verify_ProvisionalAllowedButCommittedTcbAboveCurrentInOneComponent_IsRejected()
    {
        // As one 64-bit number COMMITTED (snp+1, ucode) is below CURRENT (snp, ucode+1) in Genoa's layout (ucode is
        // the top byte): only a per-component comparison sees that SNP went backwards.
        var report = SignedReports.Template(current: With(ucode: (byte)(Cert.Microcode + 1)), committed: With(snp: (byte)(Cert.Snp + 1)));
        Assert.That(report.CommittedTcb.Raw, Is.LessThan(report.CurrentTcb.Raw));
        VerifierRealSampleTests.AssertRejected(SignedReports.Verify(report, Provisional), AttestationError.TcbInconsistent, "COMMITTED_TCB");
    }

    [Test]
    public void Verify_ProvisionalAllowedButCommittedFirmwareVersionAboveCurrent_IsRejected()
    {
        var report = SignedReports.Template(currentFirmware: (1, 57, 9));
        VerifierRealSampleTests.AssertRejected(SignedReports.Verify(report, Provisional), AttestationError.TcbInconsistent, "committed firmware 1.58");
    }

    [Test]
    public void Verify_ProvisionalAllowedButCommittedBuildAboveCurrent_IsRejected()
    {
        var report = SignedReports.Template(committedFirmware: (1, 58, 3));
        VerifierRealSampleTests.AssertRejected(SignedReports.Verify(report, Provisional), AttestationError.TcbInconsistent, "build 3");
    }

    [Test]
    public void Verify_ProvisionalAllowed_BuildComparedOnItsOwnAsGoSevGuestDoes()
    {
        // go-sev-guest's validateVersion compares the build apart from major.minor: a newer current minor with a lower
        // build number than committed is refused there, so here too.
        var report = SignedReports.Template(committedFirmware: (1, 57, 5), currentFirmware: (1, 58, 1));
        VerifierRealSampleTests.AssertRejected(SignedReports.Verify(report, Provisional), AttestationError.TcbInconsistent, "build 5");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Verify_CertificateTcbAboveCurrent_IsRejectedUnderEitherPolicy(bool provisional)
    {
        // CURRENT = COMMITTED (so not provisional at all) but below REPORTED_TCB, which the VCEK endorses.
        var below = With(ucode: (byte)(Cert.Microcode - 1));
        var report = SignedReports.Template(current: below, committed: below);
        var v = SignedReports.Verify(report, provisional ? Provisional : SignedReports.Policy);
        VerifierRealSampleTests.AssertRejected(v, AttestationError.TcbInconsistent, "above CURRENT_TCB");
    }

    [Test]
    public void TcbVersion_IsAtMost_ComparesEveryByte()
    {
        var low = new TcbVersion(0x0101010101010101);
        Assert.That(low.IsAtMost(low), Is.True);
        for (var i = 0; i < 8; i++)
        {
            var higher = new TcbVersion(low.Raw + (1UL << (8 * i)));
            Assert.That((low.IsAtMost(higher), higher.IsAtMost(low)), Is.EqualTo((true, false)), $"byte {i}");
        }
        Assert.That(new TcbVersion(0x0200000000000001).IsAtMost(new TcbVersion(0x0100000000000002)), Is.False);
    }
}
