using Microsoft.Extensions.Configuration;
using MpcSigning.AuthN.Passkeys;
using MpcSigning.Hosting;

namespace MpcSigning.Tests.AuthN.Passkeys;

public class AttestationPolicyTests
{
    private static AttestationPolicy Load(Dictionary<string, string?> json, params (string Name, string Value)[] env) =>
        AttestationPolicy.Load(new ConfigurationBuilder().AddInMemoryCollection(json).Build(), n => env.FirstOrDefault(e => e.Name == n).Value);

    [Test]
    public void Load_Nothing_IsTheDefault()
    {
        var p = Load([]);
        Assert.That((p.AllowNoneAttestation, p.RequireUserVerification, p.AllowedAaguids.Count), Is.EqualTo((true, true, 0)));
    }

    [Test]
    public void Load_NodeConfigDefaultFile_HasTheDefaultPolicy()
    {
        var c = NodeConfig.Load(null, _ => null);
        Assert.That((c.WebAuthn.AllowNoneAttestation, c.WebAuthn.RequireUserVerification), Is.EqualTo((true, true)));
    }

    [Test]
    public void Load_FileValues_AreRead()
    {
        var p = Load(new()
        {
            ["WebAuthn:AllowNoneAttestation"] = "false",
            ["WebAuthn:RequireUserVerification"] = "false",
            ["WebAuthn:AllowedAaguids:0"] = "cb69481e-8ff7-4039-93ec-0a2729a154a8",
            ["WebAuthn:AllowedAaguids:1"] = "ee882879-721c-4913-9775-3dfcce97072a",
        });
        Assert.That((p.AllowNoneAttestation, p.RequireUserVerification), Is.EqualTo((false, false)));
        Assert.That(p.AllowedAaguids, Is.EquivalentTo(new[] { Guid.Parse("cb69481e-8ff7-4039-93ec-0a2729a154a8"), Guid.Parse("ee882879-721c-4913-9775-3dfcce97072a") }));
    }

    [Test]
    public void Load_EnvironmentOverridesFile()
    {
        var p = Load(new() { ["WebAuthn:AllowNoneAttestation"] = "false" }, ("MPCSIGN_WEBAUTHN_ALLOW_NONE_ATTESTATION", "true"),
            ("MPCSIGN_WEBAUTHN_ALLOWED_AAGUIDS", "cb69481e-8ff7-4039-93ec-0a2729a154a8, ee882879-721c-4913-9775-3dfcce97072a"));
        Assert.That(p.AllowNoneAttestation, Is.True);
        Assert.That(p.AllowedAaguids, Has.Count.EqualTo(2));
    }

    [TestCase("WebAuthn:AllowNoneAttestation", "maybe")]
    [TestCase("WebAuthn:RequireUserVerification", "2")]
    [TestCase("WebAuthn:AllowedAaguids", "yubikey")]
    public void Load_BadFileValue_NamesTheKey(string key, string value)
    {
        var e = Assert.Throws<ConfigException>(() => Load(new() { [key] = value }))!;
        Assert.That(e.Setting, Is.EqualTo(key));
        Assert.That(e.Message, Does.Contain(value));
    }

    [TestCase("MPCSIGN_WEBAUTHN_ALLOW_NONE_ATTESTATION", "maybe")]
    [TestCase("MPCSIGN_WEBAUTHN_REQUIRE_USER_VERIFICATION", "yes please")]
    [TestCase("MPCSIGN_WEBAUTHN_ALLOWED_AAGUIDS", "cb69481e-8ff7-4039-93ec-0a2729a154a8,nope")]
    public void Load_BadVariable_NamesIt(string variable, string value)
    {
        var e = Assert.Throws<ConfigException>(() => Load([], (variable, value)))!;
        Assert.That(e.Setting, Is.EqualTo(variable));
    }
}
