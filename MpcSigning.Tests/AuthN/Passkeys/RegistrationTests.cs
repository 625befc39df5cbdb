using System.Text.Json.Nodes;
using Fido2NetLib.Objects;
using MpcSigning.AuthN;
using MpcSigning.AuthN.Passkeys;
using MpcSigning.AuthN.Software;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Proto.AuthN;

namespace MpcSigning.Tests.AuthN.Passkeys;

/// <summary>WebAuthn L3 section 7.1 through Fido2: the software authenticator registers as a browser would.</summary>
public class RegistrationTests
{
    private static readonly byte[] Challenge = ApprovalChallenge.Derive(new byte[16], new byte[32]);

    private static IEnumerable<TestCaseData> AlgorithmsAndFormats() =>
        from alg in SoftwareAlgorithms.All
        from fmt in new[] { SoftwareAttestation.None, SoftwareAttestation.PackedSelf }
        select new TestCaseData(alg, fmt).SetName($"Register_{alg}_{fmt}_EnrolsAndItsAssertionIsAdmitted");

    [TestCaseSource(nameof(AlgorithmsAndFormats))]
    public void Register_EachAlgorithmAndFormat_EnrolsAndApproves(string algorithm, SoftwareAttestation attestation)
    {
        using var f = new PasskeyFixture();
        var a = f.NewAuthenticator(algorithm: algorithm);
        var p = f.Enrol(a, attestation);
        Assert.That(p.AttestationFormat, Is.EqualTo(attestation == SoftwareAttestation.None ? "none" : "packed"));
        Assert.That(p.CredentialId.ToByteArray(), Is.EqualTo(a.CredentialId));
        Assert.That(p.CredentialPublicKeyCose.ToByteArray(), Is.EqualTo(a.PublicKeyCose));
        Assert.That(p.PublicKeySpki.ToByteArray(), Is.EqualTo(a.PublicKeySpki), "the SPKI the policy and bundle use is the credential's key");
        Assert.That(CoseKeys.ToSpki(p.CredentialPublicKeyCose.Span, out var alg, out _), Is.EqualTo(a.PublicKeySpki));
        Assert.That(alg, Is.EqualTo(SoftwareAlgorithms.CoseAlgorithm(algorithm)));
        Assert.That(new Guid(p.Aaguid.Span, bigEndian: true), Is.EqualTo(SoftwareAuthenticator.Aaguid));
        Assert.That(p.UserHandle.Length, Is.EqualTo(32));
        Assert.That((p.Name, p.Email, p.Role), Is.EqualTo(("Alice", "alice@example.org", Role.Engineer)));

        var o = Approvals.Admit(f.Registry.Registry, a.Email, a.GetAssertion(Challenge, f.Rp), Challenge, f.Rp, 1);
        Assert.That(o.Ok, Is.True, o.Message);
        Assert.That(o.Record!.CredentialPublicKeyCose, Is.EqualTo(p.CredentialPublicKeyCose));
        Assert.That(Approvals.Reverify(o.Record, Challenge, f.Rp).Ok, Is.True);
    }

    [Test]
    public void Register_BackupEligibleCredential_StoresBeAndBs()
    {
        using var f = new PasskeyFixture();
        var p = f.Enrol(f.NewAuthenticator(), flags: SoftwareAuthenticator.Flags | AuthenticatorFlags.BE | AuthenticatorFlags.BS);
        Assert.That((p.BackupEligible, p.BackedUp), Is.EqualTo((true, true)));
    }

    private static IEnumerable<TestCaseData> Refusals()
    {
        TestCaseData Case(string name, AuthNError code, string text, Func<PasskeyFixture, SoftwareAuthenticator, RegistrationOutcome> run) =>
            new TestCaseData(run, code, text).SetName($"Register_{name}_IsRefusedWith{code}");
        yield return Case("WrongOrigin", AuthNError.OriginNotAllowed, "is not an allowed origin",
            (f, a) => f.Register(a, origin: "https://evil.mpcsign.local"));
        yield return Case("WrongRpIdHash", AuthNError.RpIdHashMismatch, "rpIdHash",
            (f, a) => f.Register(a, editOptions: o => Edit(o, n => n["rp"]!["id"] = "local")));
        yield return Case("UserVerificationOffWhenRequired", AuthNError.UserNotVerified, "user verification",
            (f, a) => f.Register(a, flags: AuthenticatorFlags.UP));
        yield return Case("UserNotPresent", AuthNError.UserNotPresent, "UP",
            (f, a) => f.Register(a, flags: AuthenticatorFlags.UV));
        yield return Case("WrongChallenge", AuthNError.ChallengeMismatch, "challenge",
            (f, a) => f.Register(a, editOptions: o => Edit(o, n => n["challenge"] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")));
        yield return Case("BsWithoutBe", AuthNError.BackupStateInconsistent, "backup",
            (f, a) => f.Register(a, flags: SoftwareAuthenticator.Flags | AuthenticatorFlags.BS));
    }

    [TestCaseSource(nameof(Refusals))]
    public void Register_Refused_SaysWhyAndEnrolsNothing(object run, AuthNError code, string text)
    {
        using var f = new PasskeyFixture();
        var r = ((Func<PasskeyFixture, SoftwareAuthenticator, RegistrationOutcome>)run)(f, f.NewAuthenticator());
        Assert.That(r.Ok, Is.False);
        Assert.That(r.Code, Is.EqualTo(code), r.Message);
        Assert.That(r.Message, Does.Contain(text).And.Contain("alice@example.org"));
        Assert.That(r.Message, Does.Not.Contain("\n").And.Not.Contain(" at Fido2"));
        Assert.That(r.Participant, Is.Null);
        Assert.That(f.Registry.Registry.List(), Is.Empty);
    }

    [Test]
    public void Register_UserVerificationOff_IsAcceptedWhenNotRequired()
    {
        using var f = new PasskeyFixture(AttestationPolicy.Default with { RequireUserVerification = false });
        Assert.That(f.Register(f.NewAuthenticator(), flags: AuthenticatorFlags.UP).Ok, Is.True);
    }

    [Test]
    public void Register_AssertionAnsweredToCreate_IsRefusedAsWrongType()
    {
        // An assertion's clientDataJSON (type webauthn.get) where a registration's is expected (section 7.1 step 7).
        using var f = new PasskeyFixture();
        var a = f.NewAuthenticator();
        var start = f.Ceremonies.BeginRegistration("Alice", a.Email, Role.Engineer);
        var answer = JsonNode.Parse(a.Register(start.OptionsJson, f.Rp.PrimaryOrigin))!;
        var challenge = System.Buffers.Text.Base64Url.DecodeFromChars(JsonNode.Parse(start.OptionsJson)!["challenge"]!.GetValue<string>());
        var get = a.GetAssertion(challenge, f.Rp);
        answer["response"]!["clientDataJSON"] = System.Buffers.Text.Base64Url.EncodeToString(get.ClientDataJson.Span);
        var r = f.Ceremonies.CompleteRegistration(start.CeremonyId, answer.ToJsonString()).GetAwaiter().GetResult();
        Assert.That(r.Code, Is.EqualTo(AuthNError.ClientDataWrongType), r.Message);
        Assert.That(r.Message, Does.Contain("webauthn.create"));
    }

    [Test]
    public void Register_NoneWhenNoneIsNotAllowed_IsRefused()
    {
        using var f = new PasskeyFixture(AttestationPolicy.Default with { AllowNoneAttestation = false });
        var a = f.NewAuthenticator();
        var r = f.Register(a);
        Assert.That(r.Code, Is.EqualTo(AuthNError.AttestationNoneNotAllowed), r.Message);
        Assert.That(r.Message, Does.Contain("WebAuthn:AllowNoneAttestation"));
        Assert.That(f.Register(a, SoftwareAttestation.PackedSelf).Ok, Is.True, "packed self attestation is an attestation");
    }

    [Test]
    public void Register_AaguidNotAllowed_IsRefused()
    {
        var other = Guid.Parse("cb69481e-8ff7-4039-93ec-0a2729a154a8");
        using var f = new PasskeyFixture(AttestationPolicy.Default with { AllowedAaguids = new HashSet<Guid> { other } });
        var r = f.Register(f.NewAuthenticator());
        Assert.That(r.Code, Is.EqualTo(AuthNError.AaguidNotAllowed), r.Message);
        Assert.That(r.Message, Does.Contain(SoftwareAuthenticator.Aaguid.ToString()).And.Contain("WebAuthn:AllowedAaguids"));
        using var g = new PasskeyFixture(AttestationPolicy.Default with { AllowedAaguids = new HashSet<Guid> { SoftwareAuthenticator.Aaguid } });
        Assert.That(g.Register(g.NewAuthenticator()).Ok, Is.True);
    }

    [Test]
    public void Register_TamperedPackedSignature_IsRefused()
    {
        using var f = new PasskeyFixture();
        var a = f.NewAuthenticator();
        var start = f.Ceremonies.BeginRegistration("Alice", a.Email, Role.Engineer);
        var answer = JsonNode.Parse(a.Register(start.OptionsJson, f.Rp.PrimaryOrigin, SoftwareAttestation.PackedSelf))!;
        var att = System.Buffers.Text.Base64Url.DecodeFromChars(answer["response"]!["attestationObject"]!.GetValue<string>());
        var sig = att.AsSpan().IndexOf("csig"u8) + 4 + 2; // "sig" text string, then the byte string header (0x58 len)
        att[sig + 10] ^= 0x01;
        answer["response"]!["attestationObject"] = System.Buffers.Text.Base64Url.EncodeToString(att);
        var r = f.Ceremonies.CompleteRegistration(start.CeremonyId, answer.ToJsonString()).GetAwaiter().GetResult();
        Assert.That(r.Ok, Is.False);
        Assert.That(r.Code, Is.AnyOf(AuthNError.AttestationInvalid, AuthNError.SignatureInvalid), r.Message);
    }

    [Test]
    public void CompleteRegistration_CeremonyIsUsedOnce()
    {
        using var f = new PasskeyFixture();
        var a = f.NewAuthenticator();
        var start = f.Ceremonies.BeginRegistration("Alice", a.Email, Role.Engineer);
        var answer = a.Register(start.OptionsJson, f.Rp.PrimaryOrigin);
        Assert.That(f.Ceremonies.CompleteRegistration(start.CeremonyId, answer).GetAwaiter().GetResult().Ok, Is.True);
        var again = f.Ceremonies.CompleteRegistration(start.CeremonyId, answer).GetAwaiter().GetResult();
        Assert.That(again.Code, Is.EqualTo(AuthNError.RegistrationUnknown), again.Message);
    }

    [Test]
    public void CompleteRegistration_AfterFiveMinutes_IsRefusedAsExpired()
    {
        using var f = new PasskeyFixture();
        var a = f.NewAuthenticator();
        var start = f.Ceremonies.BeginRegistration("Alice", a.Email, Role.Engineer);
        f.Clock.Now += PasskeyCeremonies.CeremonyLifetime;
        var r = f.Ceremonies.CompleteRegistration(start.CeremonyId, a.Register(start.OptionsJson, f.Rp.PrimaryOrigin)).GetAwaiter().GetResult();
        Assert.That(r.Code, Is.EqualTo(AuthNError.RegistrationExpired), r.Message);
    }

    [TestCase("", TestName = "CompleteRegistration_EmptyAnswer_IsRefusedAsMalformed")]
    [TestCase("[1,2]", TestName = "CompleteRegistration_JsonArray_IsRefusedAsMalformed")]
    [TestCase("""{"id":"AA","rawId":"AA","type":"public-key","response":{"clientDataJSON":"e30","attestationObject":"oA"}}""",
        TestName = "CompleteRegistration_GarbageAttestationObject_IsRefused")]
    public void CompleteRegistration_Malformed_IsRefusedNotThrown(string json)
    {
        using var f = new PasskeyFixture();
        var start = f.Ceremonies.BeginRegistration("Alice", "alice@example.org", Role.Engineer);
        var r = f.Ceremonies.CompleteRegistration(start.CeremonyId, json).GetAwaiter().GetResult();
        Assert.That(r.Ok, Is.False);
        Assert.That(r.Code, Is.Not.EqualTo(AuthNError.None));
        Assert.That(r.Message, Is.Not.Empty);
    }

    [Test]
    public void BeginRegistration_Options_OfferTheThreeAlgorithmsAndRequireUv()
    {
        using var f = new PasskeyFixture();
        var start = f.Ceremonies.BeginRegistration(" Alice ", "Alice@Example.org", Role.Steward);
        var o = JsonNode.Parse(start.OptionsJson)!;
        Assert.That(o["rp"]!["id"]!.GetValue<string>(), Is.EqualTo("mpcsign.local"));
        Assert.That(o["pubKeyCredParams"]!.AsArray().Select(p => p!["alg"]!.GetValue<int>()), Is.EqualTo(new[] { -7, -8, -257 }));
        Assert.That(o["authenticatorSelection"]!["userVerification"]!.GetValue<string>(), Is.EqualTo("required"));
        Assert.That(o["user"]!["name"]!.GetValue<string>(), Is.EqualTo("alice@example.org"));
        Assert.That(start.CeremonyId, Has.Length.EqualTo(16));
    }

    [TestCase("", "Alice", Role.Engineer, AuthNError.InvalidEmail, TestName = "BeginRegistration_NoEmail_Throws")]
    [TestCase("alice@example.org", " ", Role.Engineer, AuthNError.InvalidName, TestName = "BeginRegistration_NoName_Throws")]
    [TestCase("alice@example.org", "Alice", Role.Unspecified, AuthNError.InvalidRole, TestName = "BeginRegistration_NoRole_Throws")]
    public void BeginRegistration_BadInput_ThrowsAuthNException(string email, string name, Role role, AuthNError code)
    {
        using var f = new PasskeyFixture();
        var e = Assert.Throws<AuthNException>(() => f.Ceremonies.BeginRegistration(name, email, role))!;
        Assert.That(e.Code, Is.EqualTo(code), e.Message);
    }

    private static string Edit(string json, Action<JsonNode> change)
    {
        var n = JsonNode.Parse(json)!;
        change(n);
        return n.ToJsonString();
    }
}
