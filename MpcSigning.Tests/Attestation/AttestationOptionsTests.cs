using MpcSigning.Attestation;

namespace MpcSigning.Tests.Attestation;

public class AttestationOptionsTests
{
    [Test]
    public void Create_SimulatedWithoutPermission_RefusesWithSimulationNotAllowed()
    {
        var e = Assert.Throws<AttestationException>(() => AttestationProviders.Create(
            new AttestationOptions { Provider = AttestationProviderKind.Simulated }, Path.GetTempPath(), NoHardware("")));
        Assert.That(e!.Code, Is.EqualTo(AttestationError.SimulationNotAllowed));
    }

    [Test]
    public void Create_AutoOnPlainSevVm_RefusesSayingSevWithoutSnp()
    {
        var e = Assert.Throws<AttestationException>(() => AttestationProviders.Create(
            new AttestationOptions(), Path.GetTempPath(), NoHardware("flags\t\t: fpu sme sev sev_es\n")));
        Assert.That(e!.Code, Is.EqualTo(AttestationError.SevWithoutSnp));
        Assert.That(e.Message, Does.Contain("SEV but not SEV-SNP"));
    }

    [Test]
    public void Create_AutoWithoutAnyHardware_RefusesAsUnavailable()
    {
        var e = Assert.Throws<AttestationException>(() => AttestationProviders.Create(new AttestationOptions(), Path.GetTempPath(), NoHardware("flags : fpu\n")));
        Assert.That(e!.Code, Is.EqualTo(AttestationError.ProviderUnavailable));
    }

    [TestCase("/sys/kernel/config/tsm/report", "configfs")]
    [TestCase("/dev/sev-guest", "ioctl")]
    public void Create_AutoWithDevice_PicksRealProvider(string present, string kind)
    {
        var host = new HostProbe(p => p == present, _ => null);
        Assert.That(AttestationProviders.Create(new AttestationOptions(), Path.GetTempPath(), host).Kind, Is.EqualTo(kind));
    }

    private static HostProbe NoHardware(string cpuinfo) => new(_ => false, p => p == "/proc/cpuinfo" ? cpuinfo : null);
}
