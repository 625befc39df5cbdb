using MpcSigning.Bundle;
using MpcSigning.Bundle.Dsse;
using MpcSigning.Bundle.InToto;
using MpcSigning.Bundle.Verification;
using MpcSigning.Crypto;

namespace MpcSigning.Tests.Bundle;

public class BundleChecksTests
{
    private SignedSession _session = null!;

    [OneTimeSetUp]
    public void CreateSession() => _session = new SignedSession();

    [OneTimeTearDown]
    public void DisposeSession() => _session.Dispose();

    [Test]
    public void VerifyAll_HonestBundle_Holds() =>
        Assert.That(BundleChecks.VerifyAll(_session.Bundle, SignedSession.ArtifactSha256, _session.Anchors, _session.SigningTime),
            Is.EqualTo(BundleCheckResult.Success));

    [Test]
    public void VerifySignature_AnySignatureByteFlipped_Fails()
    {
        var sig = _session.Bundle.DsseEnvelope.Signatures[0].Sig;
        for (var i = 0; i < sig.Length; i++)
        {
            var bad = WithSignature(Flip(sig, i));
            Assert.That(BundleChecks.VerifySignature(bad).Code, Is.EqualTo(BundleErrorCode.SignatureInvalid), $"byte {i}");
        }
    }

    [Test]
    public void VerifySignature_AnyPayloadByteFlipped_Fails()
    {
        var env = _session.Bundle.DsseEnvelope;
        for (var i = 0; i < env.Payload.Length; i++)
        {
            var bad = _session.Bundle with { DsseEnvelope = env with { Payload = Flip(env.Payload, i) } };
            Assert.That(BundleChecks.VerifySignature(bad).Code, Is.EqualTo(BundleErrorCode.SignatureInvalid), $"byte {i}");
        }
    }

    [Test]
    public void VerifySignature_OtherPayloadType_FailsBecauseTypeIsSigned()
    {
        var bad = _session.Bundle with { DsseEnvelope = _session.Bundle.DsseEnvelope with { PayloadType = "application/json" } };
        Assert.That(BundleChecks.VerifySignature(bad).Code, Is.EqualTo(BundleErrorCode.WrongPayloadType));
    }

    [Test]
    public void VerifySignature_TwoSignatures_Fails()
    {
        var s = _session.Bundle.DsseEnvelope.Signatures[0];
        var bad = _session.Bundle with { DsseEnvelope = _session.Bundle.DsseEnvelope with { Signatures = [s, s] } };
        Assert.That(BundleChecks.VerifySignature(bad).Code, Is.EqualTo(BundleErrorCode.WrongSignatureCount));
    }

    [Test]
    public void VerifySignature_SignatureByAnotherKey_Fails()
    {
        using (var sk = Ed25519.GenerateKey())
        {
            var bad = WithSignature(Ed25519.Sign(sk, _session.Bundle.DsseEnvelope.Pae()));
            Assert.That(BundleChecks.VerifySignature(bad).Code, Is.EqualTo(BundleErrorCode.SignatureInvalid));
        }
    }

    [Test]
    public void VerifyAll_AnyCertificateByteFlipped_Fails()
    {
        var der = _session.LeafDer;
        for (var i = 0; i < der.Length; i++)
        {
            var bad = _session.Bundle with { CertificateDer = Flip(der, i) };
            var r = BundleChecks.VerifyAll(bad, SignedSession.ArtifactSha256, _session.Anchors, _session.SigningTime);
            Assert.That(r.IsOk, Is.False, $"byte {i} flipped still verified");
        }
    }

    [Test]
    public void VerifySubject_OtherArtifact_FailsNamingBothDigests()
    {
        var other = Hashes.Sha256("another artifact"u8);
        var r = BundleChecks.VerifySubject(_session.Bundle, other);
        Assert.That(r.Code, Is.EqualTo(BundleErrorCode.SubjectMismatch));
        Assert.That(r.Message, Does.Contain(Convert.ToHexStringLower(other)).And.Contain(Convert.ToHexStringLower(SignedSession.ArtifactSha256)));
    }

    [Test]
    public void VerifySubject_PayloadNotAStatement_FailsAsMalformedStatement()
    {
        var bad = _session.Bundle with { DsseEnvelope = _session.Bundle.DsseEnvelope with { Payload = "{}"u8.ToArray() } };
        Assert.That(BundleChecks.VerifySubject(bad, SignedSession.ArtifactSha256).Code, Is.EqualTo(BundleErrorCode.MalformedStatement));
    }

    private MpcSigning.Bundle.Sigstore.SigstoreBundle WithSignature(byte[] sig) =>
        _session.Bundle with { DsseEnvelope = _session.Bundle.DsseEnvelope with { Signatures = [new DsseSignature(sig)] } };

    internal static byte[] Flip(byte[] b, int i)
    {
        var c = (byte[])b.Clone();
        c[i] ^= 0x01;
        return c;
    }
}
