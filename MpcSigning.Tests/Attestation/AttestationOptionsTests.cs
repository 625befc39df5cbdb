using MpcSigning.Attestation;

namespace MpcSigning.Tests.Attestation;

public class AttestationOptionsTests
{
    private static AttestationOptionsResult Read(params (string Key, string Value)[] env) =>
        AttestationOptions.FromEnvironment(k => env.FirstOrDefault(e => e.Key == k).Value);

    [Test]
    public void FromEnvironment_Nothing_IsStrictAutoWithoutSimulation()
    {
        var r = Read();
        Assert.That(r.Ok, Is.True);
        Assert.That((r.Options!.Provider, r.Options.AllowSimulated, r.Options.Policy), Is.EqualTo((AttestationProviderKind.Auto, false, AttestationPolicy.Strict)));
    }

    [Test]
    public void FromEnvironment_AllThreeSet_AreRead()
    {
        var hash = new string('A', 64);
        var r = Read(("TEE_POLICY_HASH", hash), ("MPCSIGN_ATTESTATION_PROVIDER", "simulated"), ("MPCSIGN_ALLOW_SIMULATED_ATTESTATION", "true"));
        Assert.That((r.Options!.Provider, r.Options.AllowSimulated, r.Options.Policy.TeePolicyHash),
            Is.EqualTo((AttestationProviderKind.Simulated, true, new string('a', 64))));
    }

    [TestCase("TEE_POLICY_HASH", "abc", "TEE_POLICY_HASH must be 64 hex")]
    [TestCase("TEE_POLICY_HASH", "zz00000000000000000000000000000000000000000000000000000000000000", "TEE_POLICY_HASH must be 64 hex")]
    [TestCase("MPCSIGN_ATTESTATION_PROVIDER", "tdx", "auto, configfs, ioctl or simulated")]
    [TestCase("MPCSIGN_ALLOW_SIMULATED_ATTESTATION", "yes", "true or false")]
    public void FromEnvironment_MalformedValue_ReturnsErrorNamingVariable(string key, string value, string expected)
    {
        var r = Read((key, value));
        Assert.That(r.Ok, Is.False);
        Assert.That(r.Error, Does.Contain(key).And.Contain(expected));
    }

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
