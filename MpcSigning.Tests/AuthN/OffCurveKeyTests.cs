using System.Security.Cryptography;
using MpcSigning.AuthN;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Proto.AuthN;

namespace MpcSigning.Tests.AuthN;

public class OffCurveKeyTests
{
    [Test]
    public void Verify_CredentialKeyNotOnTheCurve_IsRefusedNotThrown()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var spki = key.ExportSubjectPublicKeyInfo();
        spki[^1] ^= 1; // the last byte of Y: the point leaves the curve
        var result = AssertionVerifier.Verify(new Assertion { CredentialId = Google.Protobuf.ByteString.CopyFrom(1, 2, 3) },
            new byte[32], RelyingParty.Default, spki, [1, 2, 3], 0);
        Assert.That(result.Ok, Is.False);
    }
}
