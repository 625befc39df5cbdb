using MpcSigning.Ca;

namespace MpcSigning.Tests.Ca;

public class CodeSigningRequestTests
{
    private static readonly CodeSigningRequest Valid = TestRequests.ForFreshKey();

    // Each case reads as: a request with this one field changed is refused with this code.
    private static IEnumerable<TestCaseData> InvalidRequests()
    {
        yield return Case("lifetime over ten minutes", Valid with { Lifetime = TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1) }, CaErrorCode.InvalidLifetime);
        yield return Case("zero lifetime", Valid with { Lifetime = TimeSpan.Zero }, CaErrorCode.InvalidLifetime);
        yield return Case("31-byte public key", Valid with { Ed25519PublicKey = new byte[31] }, CaErrorCode.InvalidPublicKey);
        yield return Case("identity point as public key", Valid with { Ed25519PublicKey = Identity() }, CaErrorCode.InvalidPublicKey);
        yield return Case("15-byte session id", Valid with { SessionId = new byte[15] }, CaErrorCode.InvalidSessionId);
        yield return Case("SHA-1 sized digest", Valid with { ArtifactDigest = new byte[20] }, CaErrorCode.InvalidArtifactDigest);
        yield return Case("32-byte measurement", Valid with { EnclaveMeasurement = new byte[32] }, CaErrorCode.InvalidEnclaveMeasurement);
        yield return Case("no approvers", Valid with { Approvers = [] }, CaErrorCode.InvalidApprovers);
        yield return Case("unknown role", Valid with { Approvers = [("a@example.com", "admin")] }, CaErrorCode.InvalidApprovers);
        yield return Case("same person twice", Valid with { Approvers = [("a@example.com", "engineer"), ("A@example.com", "steward")] }, CaErrorCode.InvalidApprovers);
        yield return Case("empty email", Valid with { Approvers = [("", "engineer")] }, CaErrorCode.InvalidApprovers);
    }

    private static TestCaseData Case(string name, CodeSigningRequest r, CaErrorCode code) => new TestCaseData(r, code).SetName($"Validate_{name.Replace(' ', '_')}_IsRefused");

    private static byte[] Identity()
    {
        var p = new byte[32];
        p[0] = 1; // y = 1, x = 0: the neutral element, which has small order
        return p;
    }

    [TestCaseSource(nameof(InvalidRequests))]
    public void Validate_InvalidField_IsRefusedWithItsCode(CodeSigningRequest request, CaErrorCode expected)
    {
        var e = Assert.Throws<CaException>(request.Validate);
        Assert.That(e!.Code, Is.EqualTo(expected));
        Assert.That(e.Message, Is.Not.Empty);
    }

    [Test]
    public void Validate_ValidRequest_Passes() => Assert.DoesNotThrow(Valid.Validate);

    [Test]
    public void WireCode_InvalidLifetime_IsSnakeCaseWithModulePrefix() =>
        Assert.That(new CaException(CaErrorCode.InvalidLifetime, "x").WireCode, Is.EqualTo("ca.invalid_lifetime"));
}
