using System.Text;
using Google.Protobuf;
using MpcSigning.AuthN;
using Fido2NetLib.Objects;
using MpcSigning.AuthN.Passkeys;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Proto.AuthN;

namespace MpcSigning.Tests.AuthN;

public class AssertionVerifierTests
{
    [Test]
    public void Verify_ValidAssertion_SucceedsWithNewCounter()
    {
        using var f = new AssertionForge();
        var r = f.Verify(f.Valid());
        Assert.That(r.Ok, Is.True, r.Message);
        Assert.That(r.Code, Is.EqualTo(AuthNError.None));
        Assert.That(r.NewSignCount, Is.EqualTo(AssertionForge.NextCount));
    }

    [Test]
    public void Verify_BothCountersZero_Succeeds()
    {
        // Section 7.2 step 23: an authenticator without a counter always reports 0; that is not a rollback.
        using var f = new AssertionForge();
        var r = f.Verify(f.Sign(f.ClientData(), AssertionForge.AuthData(count: 0)), stored: 0);
        Assert.That(r.Ok, Is.True, r.Message);
        Assert.That(r.NewSignCount, Is.Zero);
    }

    [Test]
    public void Verify_UserVerificationNotRequiredAndAbsent_Succeeds()
    {
        using var f = new AssertionForge();
        var a = f.Sign(f.ClientData(), AssertionForge.AuthData(AuthenticatorFlags.UP));
        Assert.That(f.Verify(a, rp: f.Rp with { RequireUserVerification = false }).Ok, Is.True);
    }

    [Test]
    public void Verify_UnknownClientDataMembers_AreIgnored()
    {
        using var f = new AssertionForge();
        var a = f.Sign(f.ClientData(extra: ""","other_keys_can_be_added_here":"x","tokenBinding":{"status":"supported"}"""),
            AssertionForge.AuthData());
        Assert.That(f.Verify(a).Ok, Is.True);
    }

    [Test]
    public void Verify_FramedByConfiguredTopOrigin_Succeeds()
    {
        using var f = new AssertionForge();
        var json = $$"""{"type":"webauthn.get","challenge":"{{f.ChallengeText}}","origin":"{{AssertionForge.Origin}}","crossOrigin":true,"topOrigin":"https://portal.example"}""";
        var rp = f.Rp with { AllowedTopOrigins = ["https://portal.example"] };
        Assert.That(f.Verify(f.Sign(json, AssertionForge.AuthData()), rp: rp).Ok, Is.True);
    }

    [TestCase("""{"type":"webauthn.get","challenge":"CH","origin":"https://mpcsign.local","crossOrigin":true}""", AuthNError.CrossOriginNotAllowed,
        TestName = "Verify_FramedWithoutTopOrigin_IsRefusedWhenTopOriginsAreConfigured")]
    [TestCase("""{"type":"webauthn.get","challenge":"CH","origin":"https://portal.example","crossOrigin":false}""", AuthNError.OriginNotAllowed,
        TestName = "Verify_TopOriginUsedAsOrigin_IsRefused")]
    [TestCase("""{"type":"webauthn.get","challenge":"CH","origin":"https://mpcsign.local","crossOrigin":true,"topOrigin":"https://evil.example"}""",
        AuthNError.CrossOriginNotAllowed, TestName = "Verify_FramedByUnconfiguredTopOrigin_IsRefused")]
    public void Verify_CrossOriginRules_WhenTopOriginsAreConfigured(string json, AuthNError code)
    {
        // Fido2 alone accepts the first two: crossOrigin without topOrigin, and one list for origin and topOrigin.
        using var f = new AssertionForge();
        var rp = f.Rp with { AllowedTopOrigins = ["https://portal.example"] };
        var r = f.Verify(f.Sign(json.Replace("CH", f.ChallengeText), AssertionForge.AuthData()), rp: rp);
        Assert.That(r.Code, Is.EqualTo(code), r.Message);
    }

    [Test]
    public void Verify_ExtensionMapAndAttestedDataPresentWithFlags_Succeeds()
    {
        using var f = new AssertionForge();
        byte[] attested = [.. new byte[16], 0x00, 0x02, 0xaa, 0xbb, .. f.Cose];
        var flags = AuthenticatorFlags.UP | AuthenticatorFlags.UV | AuthenticatorFlags.AT |
                    AuthenticatorFlags.ED;
        var a = f.Sign(f.ClientData(), AssertionForge.AuthData(flags, tail: [.. attested, 0xa1, 0x63, .. "cbp"u8, 0xf5]));
        Assert.That(f.Verify(a).Ok, Is.True, f.Verify(a).Message);
    }

    [Test]
    public void Verify_AssertionFromAnotherSession_FailsWithChallengeMismatch()
    {
        using var f = new AssertionForge();
        var digest = new byte[32];
        var otherSession = ApprovalChallenge.Derive(Guid.NewGuid().ToByteArray(), digest);
        var r = AssertionVerifier.Verify(f.Valid(), otherSession, f.Rp, f.Cose, f.CredentialId, AssertionForge.StoredCount, false);
        Assert.That(r.Code, Is.EqualTo(AuthNError.ChallengeMismatch));
    }

    [Test]
    public void Verify_YubiKey5NfcAssertionFromDemoYubicoCom_Succeeds()
    {
        // A real hardware assertion published in Yubico/java-webauthn-server (RealExamples.YubiKey5Nfc); the
        // public key is the COSE key of its registration, rewritten as SubjectPublicKeyInfo. Checks that
        // browser-made bytes verify exactly as the software authenticator's do. UP only, counter 58.
        const string clientData = """{"type":"webauthn.get","challenge":"AK6EVGBeT_DvQQk3hoUCocO8k3WVvnQnwL5Kd2oFWzM","origin":"https://demo.yubico.com","crossOrigin":false,"extra_keys_may_be_added_here":"do not compare clientDataJSON against a template. See https://goo.gl/yabPex"}""";
        var assertion = new Assertion
        {
            CredentialId = ByteString.CopyFrom(B64("kg4SaGkY1coVPQztuAhYQxyJvK8IeXRxUVTjRKU49nl4qqc0bOcTaDZRKuXKLWr5dZ020Og4V2jmJv7pU9ekTA")),
            AuthenticatorData = ByteString.CopyFrom(B64("xGzvgq0bVGR3WR0Aiwh1nsPm0uy085R0v-ppaZJdA7cBAAAAOg")),
            ClientDataJson = ByteString.CopyFromUtf8(clientData),
            Signature = ByteString.CopyFrom(B64("MEUCIDkZa6d7HwRxGCZdAldFuTo4qUZvaV8j7IYGjO74liKcAiEAj_PLArWm-VylAUsKgWoj50NQSpnn_qhZEgasgfWmG1Y")),
        };
        var spki = Convert.FromBase64String(
            "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAElsurL0lXsRNlQR0+03OV+Xp8FMNk2CKhikMjEhWFEY5LxgT5nMeHrcPiM3e9KGc3cXuF4rHIm4ACkx5G9Mm5zw==");
        var rp = new RelyingParty("demo.yubico.com", ["https://demo.yubico.com"], RequireUserVerification: false);
        var challenge = B64("AK6EVGBeT_DvQQk3hoUCocO8k3WVvnQnwL5Kd2oFWzM");
        var r = AssertionVerifier.Verify(assertion, challenge, rp, CoseKeys.FromSpki(spki)!, assertion.CredentialId.ToByteArray(), 57, false);
        Assert.That(r.Ok, Is.True, r.Message);
        Assert.That(r.NewSignCount, Is.EqualTo(58));
        Assert.That(AssertionVerifier.Verify(assertion, challenge, rp, CoseKeys.FromSpki(spki)!, assertion.CredentialId.ToByteArray(), 58, false).Code,
            Is.EqualTo(AuthNError.SignCountNotIncreased));
    }

    [Test]
    public void Verify_EveryRefusal_SaysWhatToDo()
    {
        using var f = new AssertionForge();
        var r = f.Verify(f.Sign(f.ClientData(origin: "https://evil.example\\u0007"), AssertionForge.AuthData()));
        Assert.That(r.Message, Does.Contain("https://evil.example?").And.Contain("approve from https://mpcsign.local"));
    }

    private static byte[] B64(string s) => System.Buffers.Text.Base64Url.DecodeFromChars(s);

    internal static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
