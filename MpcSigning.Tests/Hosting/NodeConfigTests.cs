using MpcSigning.Hosting;

namespace MpcSigning.Tests.Hosting;

public class NodeConfigTests
{
    private static NodeConfig Load(params (string Name, string Value)[] env) =>
        NodeConfig.Load(null, n => env.FirstOrDefault(e => e.Name == n).Value);

    [Test]
    public void Load_DefaultFile_GivesOneEngineerTwoStewardsAndFifteenMinutes()
    {
        var c = Load();
        Assert.That((c.Coordinator.Policy.RequiredEngineers, c.Coordinator.Policy.RequiredStewards), Is.EqualTo((1u, 2u)));
        Assert.That(c.Coordinator.SessionTtl, Is.EqualTo(TimeSpan.FromMinutes(15)));
        Assert.That(c.Roles, Is.EquivalentTo(NodeConfig.AllRoles));
    }

    [Test]
    public void Load_RequiredStewardsFromEnvironment_Overrides() =>
        Assert.That(Load(("REQUIRED_STEWARDS", "3")).Coordinator.Policy.RequiredStewards, Is.EqualTo(3u));

    [TestCase("REQUIRED_ENGINEERS", "two")]
    [TestCase("REQUIRED_STEWARDS", "-1")]
    [TestCase("TEE_POLICY_HASH", "abc")]
    [TestCase("TEE_POLICY_HASH", "zz00000000000000000000000000000000000000000000000000000000000000")]
    [TestCase("MPCSIGN_ATTESTATION_PROVIDER", "tpm")]
    public void Load_MalformedVariable_StopsWithAMessageNamingIt(string variable, string value)
    {
        var e = Assert.Throws<ConfigException>(() => Load((variable, value)));
        Assert.That(e!.Message, Does.StartWith(variable));
    }

    [TestCase("MPCSIGN_THRESHOLD", "1")]
    [TestCase("MPCSIGN_THRESHOLD", "0")]
    [TestCase("MPCSIGN_SIGNERS", "1")]
    [TestCase("MPCSIGN_RP_ORIGIN", "mpcsign.local")]
    [TestCase("MPCSIGN_RP_ORIGIN", "http://mpcsign.local")]
    [TestCase("MPCSIGN_RP_ORIGIN", "https://mpcsign.local/path")]
    [TestCase("MPCSIGN_RP_ORIGIN", "https://user@mpcsign.local")]
    public void Load_SettingNoSessionCouldWorkWith_StopsAtStartNamingIt(string variable, string value)
    {
        var e = Assert.Throws<ConfigException>(() => Load((variable, value)));
        Assert.That(e!.Message, Does.StartWith(variable));
    }

    [TestCase("https://approve.example.com")]
    [TestCase("https://approve.example.com:8443")]
    [TestCase("http://localhost:8080")]
    public void Load_RpOriginThatIsAnOrigin_IsKept(string origin) =>
        Assert.That(Load(("MPCSIGN_RP_ORIGIN", origin)).RelyingPartyOrigin, Is.EqualTo(origin));

    [Test]
    public void Load_ThresholdTwoOfTwo_IsAccepted() =>
        Assert.That(Load(("MPCSIGN_THRESHOLD", "2"), ("MPCSIGN_SIGNERS", "2")).Threshold, Is.EqualTo(2));

    [Test]
    public void Load_QuorumOfNobody_IsRefused()
    {
        var e = Assert.Throws<ConfigException>(() => Load(("REQUIRED_ENGINEERS", "0"), ("REQUIRED_STEWARDS", "0")));
        Assert.That(e!.Message, Does.Contain("at least one approver"));
    }

    [Test]
    public void Load_WellFormedPolicyHash_IsKeptLowerCase() =>
        Assert.That(Load(("TEE_POLICY_HASH", new string('A', 64))).TeePolicyHash, Is.EqualTo(new string('a', 64)));
}
