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
        var q = key.ExportParameters(false).Q;
        q.Y![^1] ^= 1; // the last byte of Y: the point leaves the curve
        var cose = MpcSigning.AuthN.Passkeys.CoseKeys.Ec2(q.X!, q.Y);
        var result = AssertionVerifier.Verify(new Assertion
            {
                CredentialId = Google.Protobuf.ByteString.CopyFrom(1, 2, 3), AuthenticatorData = Google.Protobuf.ByteString.CopyFrom(new byte[37]),
                ClientDataJson = Google.Protobuf.ByteString.CopyFromUtf8("{}"), Signature = Google.Protobuf.ByteString.CopyFrom(1),
            },
            new byte[32], RelyingParty.Default, cose, [1, 2, 3], 0, false);
        Assert.That(result.Ok, Is.False);
        Assert.That(result.Code, Is.EqualTo(AuthNError.PublicKeyInvalid), result.Message);
    }
}
