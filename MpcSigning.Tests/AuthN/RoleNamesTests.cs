using MpcSigning.AuthN;
using MpcSigning.Proto.AuthN;

namespace MpcSigning.Tests.AuthN;

public class RoleNamesTests
{
    [TestCase("engineer", Role.Engineer)]
    [TestCase(" Steward ", Role.Steward)]
    public void Parse_KnownName_ReturnsRole(string text, Role expected) =>
        Assert.That(RoleNames.Parse(text), Is.EqualTo(expected));

    [TestCase("admin")]
    [TestCase("")]
    [TestCase(null)]
    public void Parse_UnknownName_ThrowsInvalidRoleNamingBothChoices(string? text)
    {
        var e = Assert.Throws<AuthNException>(() => RoleNames.Parse(text))!;
        Assert.That(e.Code, Is.EqualTo(AuthNError.InvalidRole));
        Assert.That(e.Message, Does.Contain("engineer").And.Contain("steward"));
    }

    [Test]
    public void ToName_ThenParse_RoundTrips() =>
        Assert.That(new[] { Role.Engineer, Role.Steward }.Select(r => RoleNames.Parse(RoleNames.ToName(r))),
            Is.EqualTo(new[] { Role.Engineer, Role.Steward }));
}
