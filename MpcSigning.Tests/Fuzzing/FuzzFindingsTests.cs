using System.Text;
using System.Text.Json;
using MpcSigning.Attestation;
using MpcSigning.Attestation.Verification;
using MpcSigning.AuthN;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Bundle;
using MpcSigning.Bundle.Mpcsign;
using MpcSigning.Bundle.Sigstore;
using MpcSigning.Tests.Attestation;
using MpcSigning.TLog.Checkpoints;
using MpcSigning.TLog.Rekor;

namespace MpcSigning.Tests.Fuzzing;

/// <summary>
/// Each input class the fuzzing campaign found, pinned as a fast test: it crashed a parser or was accepted before
/// its fix. These run in every test run, with or without the Fuzz category.
/// </summary>
public class FuzzFindingsTests
{
    private const string Approval =
        """{"name":"A","email":"a@example.com","role":"engineer","approvedAt":1,"publicKeySpki":"AA==","credentialId":"AA==","authenticatorData":"AA==","clientDataJSON":"AA==","signature":"AA=="}""";

    private static string Section(string approvals = "[" + Approval + "]", string frost = "{\"t\":2}") =>
        "{\"version\":1,\"sessionId\":\"" + new string('0', 32) + "\",\"artifactDigest\":{\"sha256\":\"" + new string('1', 64) + "\"}," +
        "\"policy\":{\"requiredEngineers\":1,\"requiredStewards\":1},\"approvals\":" + approvals + ",\"frost\":" + frost +
        ",\"enclaveMeasurement\":\"" + new string('2', 96) + "\"}";

    private static JsonElement Element(byte[] utf8) => SigstoreBundle.RawJson(utf8);

    private static JsonElement Element(string json) => Element(Encoding.UTF8.GetBytes(json));

    /// <summary>The JSON text with raw bytes that are not UTF-8 inserted right after the first <paramref name="marker"/>.</summary>
    private static byte[] WithInvalidUtf8(string json, string marker)
    {
        var at = json.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        return [.. Encoding.UTF8.GetBytes(json[..at]), 0xFF, 0xC0, .. Encoding.UTF8.GetBytes(json[at..])];
    }

    [Test]
    public void MpcsignSection_TheTemplateUsedBelow_Reads() => Assert.That(MpcsignSection.Read(Element(Section())).Approvals, Has.Count.EqualTo(1));

    [Test]
    public void MpcsignSection_ApprovalThatIsAnArray_IsRefusedNamingIt() =>
        Assert.That(() => MpcsignSection.Read(Element(Section("[[]]"))),
            Throws.InstanceOf<BundleFormatException>().With.Message.Contains("mpcsign.approvals[0]: expected an object"));

    [Test]
    public void MpcsignSection_ApprovedAtAsString_IsRefusedNamingIt() =>
        Assert.That(() => MpcsignSection.Read(Element(Section("[" + Approval.Replace("\"approvedAt\":1", "\"approvedAt\":\"soon\"") + "]"))),
            Throws.InstanceOf<BundleFormatException>().With.Message.Contains("mpcsign.approvals[0].approvedAt"));

    [Test]
    public void MpcsignSection_NameNotUtf8_IsRefusedNamingIt() =>
        Assert.That(() => MpcsignSection.Read(Element(WithInvalidUtf8(Section(), "\"name\":\""))),
            Throws.InstanceOf<BundleFormatException>().With.Message.Contains("mpcsign.approvals[0].name"));

    [Test]
    public void MpcsignSection_FrostEvidenceNotUtf8_IsRefusedNamingIt() =>
        Assert.That(() => MpcsignSection.Read(Element(WithInvalidUtf8(Section(frost: "{\"c\":\"x\"}"), "\"c\":\""))),
            Throws.InstanceOf<BundleFormatException>().With.Message.Contains("mpcsign.frost"));

    [Test]
    public void SigstoreBundleJson_MediaTypeNotUtf8_IsRefusedNamingIt()
    {
        // Checked once when the document is parsed (JsonFields.RequireText), so the code is MalformedJson.
        Assert.That(SigstoreBundleJson.TryRead(WithInvalidUtf8("{\"mediaType\":\"x\"}", "\"mediaType\":\""), out _, out var error), Is.False);
        Assert.That(error.Code, Is.EqualTo(BundleErrorCode.MalformedJson));
        Assert.That(error.Message, Does.Contain("bundle.mediaType"));
    }

    [Test]
    public void TlogEntryJson_LogIndexBeyondInt64_IsRefused()
    {
        var entry = """{"logIndex":"99999999999999999999","logId":{"keyId":"AA=="},"kindVersion":{"kind":"dsse","version":"0.0.1"},"integratedTime":"1","inclusionPromise":{"signedEntryTimestamp":"AA=="},"inclusionProof":{"logIndex":"0","rootHash":"AA==","treeSize":"1","hashes":[],"checkpoint":{"envelope":""}},"canonicalizedBody":"AA=="}""";
        Assert.That(TlogEntryJson.TryRead(Element(entry), out var error), Is.Null);
        Assert.That(error, Does.Contain("TransparencyLogEntry"));
    }

    [TestCase("origin\n1\nAAAA\n\n")]
    [TestCase("\n\n")]
    public void SignedNote_NoSignatureLineAfterTheBlankLine_IsRefused(string note)
    {
        Assert.That(SignedNote.TryParse(note, out var error), Is.Null);
        Assert.That(error, Does.Contain("signature line"));
    }

    [TestCase("""{"type":"webauthn.get","challenge":"x","origin":"\ud800"}""")]
    [TestCase("""{"type":"webauthn.get","challenge":"x","origin":"o","\udc00":1}""")]
    public void ClientData_UnpairedSurrogateEscape_IsRefusedNotAnException(string json)
    {
        using var f = new MpcSigning.Tests.AuthN.AssertionForge();
        var r = f.Verify(f.Sign(json, MpcSigning.Tests.AuthN.AssertionForge.AuthData()));
        Assert.That(r.Ok, Is.False);
        Assert.That(r.Code, Is.Not.EqualTo(AuthNError.None));
        Assert.That(r.Message, Is.Not.Empty);
    }

    [Test]
    public void AttestationVerifier_VcekWithBytesAppended_IsRefusedAsMalformed()
    {
        var s = SnpSample.Virtee;
        var v = AttestationVerifier.Verify(s.Report, new AttestationCertificates([.. s.VcekDer, 0x00, 0x00]), s.MatchingPolicy, s.ReportData, SnpSample.At);
        Assert.That(v.Code, Is.EqualTo(AttestationError.CertificateMalformed), v.Message);
    }

    [Test]
    public void AttestationVerifier_VcekWhoseKeyDoesNotDecode_IsRefusedNotThrown()
    {
        var s = SnpSample.Virtee;
        var der = s.VcekDer;
        var point = der.AsSpan().IndexOf((ReadOnlySpan<byte>)[0x03, 0x62, 0x00, 0x04]); // BIT STRING of the P-384 point, uncompressed form
        Assert.That(point, Is.GreaterThan(0));
        der[point + 50] ^= 0x04; // a coordinate changed: the point is no longer on the curve
        var v = AttestationVerifier.Verify(s.Report, new AttestationCertificates(der), s.MatchingPolicy, s.ReportData, SnpSample.At);
        Assert.That(v.Ok, Is.False);
        Assert.That(v.Code, Is.EqualTo(AttestationError.CertificateKeyType), v.Message);
    }
}
