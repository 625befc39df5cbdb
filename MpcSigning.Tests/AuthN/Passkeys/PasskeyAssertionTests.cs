using System.Buffers.Text;
using System.Text.Json.Nodes;
using Fido2NetLib.Objects;
using MpcSigning.AuthN;
using MpcSigning.AuthN.Passkeys;
using MpcSigning.AuthN.Software;
using MpcSigning.AuthN.WebAuthn;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace MpcSigning.Tests.AuthN.Passkeys;

/// <summary>Approvals (WebAuthn L3 section 7.2) with credentials that went through registration.</summary>
[NonParallelizable] // one test swaps the global Serilog logger to see the audit trail
public class PasskeyAssertionTests
{
    private static readonly byte[] Challenge = ApprovalChallenge.Derive(new byte[16], new byte[32]);

    private sealed class Capture : ILogEventSink
    {
        public List<LogEvent> Events { get; } = [];

        public void Emit(LogEvent e)
        {
            lock (Events) Events.Add(e);
        }
    }

    [Test]
    public void Admit_SignCountGoingBack_IsRefusedAndAuditedAsAClone()
    {
        using var f = new PasskeyFixture();
        var a = f.NewAuthenticator();
        f.Enrol(a);
        var first = a.GetAssertion(Challenge, f.Rp);
        var second = a.GetAssertion(Challenge, f.Rp);
        Assert.That(Approvals.Admit(f.Registry.Registry, a.Email, second, Challenge, f.Rp, 1).Ok, Is.True);

        var capture = new Capture();
        var previous = Log.Logger;
        Log.Logger = new LoggerConfiguration().WriteTo.Sink(capture).CreateLogger();
        ApprovalOutcome o;
        try
        {
            o = Approvals.Admit(f.Registry.Registry, a.Email, first, Challenge, f.Rp, 2); // counter 1 after 2: a clone
        }
        finally
        {
            Log.Logger = previous;
        }
        Assert.That(o.Code, Is.EqualTo(AuthNError.SignCountNotIncreased), o.Message);
        Assert.That(o.Message, Does.Contain("cloned"));
        Assert.That(capture.Events.Select(e => e.RenderMessage()), Has.Some.Contains("CloneSuspected").And.Some.Contains("alice@example.org"));
        Assert.That(f.Registry.Registry.Find(a.Email)!.SignCount, Is.EqualTo(2));
    }

    [Test]
    public void Admit_BackupEligibilityChangedSinceRegistration_IsRefused()
    {
        using var f = new PasskeyFixture();
        var a = f.NewAuthenticator();
        f.Enrol(a, flags: SoftwareAuthenticator.Flags | AuthenticatorFlags.BE);
        var o = Approvals.Admit(f.Registry.Registry, a.Email, a.GetAssertion(Challenge, f.Rp), Challenge, f.Rp, 1);
        Assert.That(o.Code, Is.EqualTo(AuthNError.BackupEligibilityChanged), o.Message);
        Assert.That(o.Message, Does.Contain("BE"));
        var same = Approvals.Admit(f.Registry.Registry, a.Email,
            a.GetAssertion(Challenge, f.Rp, SoftwareAuthenticator.Flags | AuthenticatorFlags.BE), Challenge, f.Rp, 1);
        Assert.That(same.Ok, Is.True, same.Message);
        Assert.That(same.Record!.BackupEligible, Is.True);
        Assert.That(Approvals.Reverify(same.Record, Challenge, f.Rp).Ok, Is.True);
    }

    [Test]
    public void Admit_UserVerificationOff_IsRefusedWhenRequired()
    {
        using var f = new PasskeyFixture();
        var a = f.NewAuthenticator();
        f.Enrol(a);
        var o = Approvals.Admit(f.Registry.Registry, a.Email, a.GetAssertion(Challenge, f.Rp, AuthenticatorFlags.UP), Challenge, f.Rp, 1);
        Assert.That(o.Code, Is.EqualTo(AuthNError.UserNotVerified), o.Message);
    }

    [TestCase(SoftwareAlgorithms.EdDsa)]
    [TestCase(SoftwareAlgorithms.Rs256)]
    public void Admit_TamperedSignature_IsRefused(string algorithm)
    {
        using var f = new PasskeyFixture();
        var a = f.NewAuthenticator(algorithm: algorithm);
        f.Enrol(a);
        var x = a.GetAssertion(Challenge, f.Rp);
        var sig = x.Signature.ToByteArray();
        sig[5] ^= 1;
        x.Signature = Google.Protobuf.ByteString.CopyFrom(sig);
        var o = Approvals.Admit(f.Registry.Registry, a.Email, x, Challenge, f.Rp, 1);
        Assert.That(o.Code, Is.EqualTo(AuthNError.SignatureInvalid), o.Message);
    }

    [Test]
    public void Reverify_RecordWhoseCoseKeyIsNotItsSpki_IsRefused()
    {
        using var f = new PasskeyFixture();
        var a = f.NewAuthenticator();
        var b = f.NewAuthenticator("bob@example.org");
        f.Enrol(a);
        var o = Approvals.Admit(f.Registry.Registry, a.Email, a.GetAssertion(Challenge, f.Rp), Challenge, f.Rp, 1);
        var record = o.Record!.Clone();
        record.PublicKeySpki = Google.Protobuf.ByteString.CopyFrom(b.PublicKeySpki); // the bundle would name Bob's key
        var r = Approvals.Reverify(record, Challenge, f.Rp);
        Assert.That(r.Code, Is.EqualTo(AuthNError.PublicKeyInvalid), r.Message);
    }

    [Test]
    public void AssertionOptionsJson_NamesRpChallengeCredentialsAndUv()
    {
        using var f = new PasskeyFixture();
        var id = new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
        var o = JsonNode.Parse(f.Ceremonies.AssertionOptionsJson(Challenge, [id]))!;
        Assert.That(o["rpId"]!.GetValue<string>(), Is.EqualTo("mpcsign.local"));
        Assert.That(o["challenge"]!.GetValue<string>(), Is.EqualTo(Base64Url.EncodeToString(Challenge)));
        Assert.That(o["userVerification"]!.GetValue<string>(), Is.EqualTo("required"));
        Assert.That(o["allowCredentials"]![0]!["id"]!.GetValue<string>(), Is.EqualTo(Base64Url.EncodeToString(id)));
    }

    [Test]
    public void AssertionFromJson_BrowserToJson_IsTheRawAssertionAndIsAdmitted()
    {
        using var f = new PasskeyFixture();
        var a = f.NewAuthenticator();
        f.Enrol(a);
        var x = a.GetAssertion(Challenge, f.Rp);
        string B(Google.Protobuf.ByteString b) => Base64Url.EncodeToString(b.Span);
        var json = $$"""
            {"id":"{{B(x.CredentialId)}}","rawId":"{{B(x.CredentialId)}}","type":"public-key","authenticatorAttachment":"platform",
             "response":{"clientDataJSON":"{{B(x.ClientDataJson)}}","authenticatorData":"{{B(x.AuthenticatorData)}}",
                         "signature":"{{B(x.Signature)}}","userHandle":null},"clientExtensionResults":{ }
            }
            """;
        var parsed = PasskeyCeremonies.AssertionFromJson(json);
        Assert.That(parsed, Is.EqualTo(x));
        Assert.That(Approvals.Admit(f.Registry.Registry, a.Email, parsed, Challenge, f.Rp, 1).Ok, Is.True);
    }

    [TestCase("", TestName = "AssertionFromJson_Empty_Throws")]
    [TestCase("{}", TestName = "AssertionFromJson_NoResponse_Throws")]
    [TestCase("""{"id":"AQ","rawId":"AQ","type":"public-key","response":{"clientDataJSON":"e30"}}""", TestName = "AssertionFromJson_NoSignature_Throws")]
    [TestCase("""{"id":"Ag","rawId":"AQ","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AQ","signature":"AQ"}}""",
        TestName = "AssertionFromJson_IdNotRawId_Throws")]
    public void AssertionFromJson_Malformed_ThrowsAuthNException(string json)
    {
        var e = Assert.Throws<AuthNException>(() => PasskeyCeremonies.AssertionFromJson(json))!;
        Assert.That(e.Code, Is.EqualTo(AuthNError.AssertionIncomplete));
        Assert.That(e.Message, Does.Contain("credential.toJSON()"));
    }
}
