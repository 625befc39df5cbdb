using System.Security.Cryptography;
using MpcSigning.AuthN.Passkeys;

namespace MpcSigning.Tests.AuthN.Passkeys;

/// <summary>CoseKeys.ToSpki keeps the conversions that succeeded; a kept one must behave exactly like a fresh import.</summary>
public class CoseKeysTests
{
    [Test]
    public void ToSpki_SameKeyAgain_AnswerIsUnharmedByChangesToEarlierAnswers()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var q = key.ExportParameters(false).Q;
        var cose = CoseKeys.Ec2(q.X!, q.Y!);

        for (var i = 0; i < 2; i++) CoseKeys.ToSpki(cose, out _, out _)![^1] ^= 1; // a fresh conversion, then a kept one
        var third = CoseKeys.ToSpki(cose, out var alg, out var problem);

        Assert.That(third, Is.EqualTo(key.ExportSubjectPublicKeyInfo()));
        Assert.That(alg, Is.EqualTo(CoseKeys.Es256));
        Assert.That(problem, Is.Empty);
    }

    [Test]
    public void ToSpki_KeyOffTheCurveAfterItsValidTwin_IsRefusedEveryTime()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var q = key.ExportParameters(false).Q;
        Assert.That(CoseKeys.ToSpki(CoseKeys.Ec2(q.X!, q.Y!), out _, out _), Is.Not.Null);
        q.Y![^1] ^= 1; // the point leaves the curve
        var offCurve = CoseKeys.Ec2(q.X!, q.Y);

        for (var i = 0; i < 2; i++)
        {
            Assert.That(CoseKeys.ToSpki(offCurve, out _, out var problem), Is.Null);
            Assert.That(problem, Does.Contain("missing or invalid parameters"));
        }
    }
}
