using Google.Protobuf;
using MpcSigning.AuthN;
using MpcSigning.AuthN.Registry;
using MpcSigning.Proto.AuthN;

namespace MpcSigning.Tests.AuthN;

/// <summary>Names and emails are data: bounded, no control or invisible characters, one script, escaped when printed.</summary>
public class ParticipantTextTests
{
    [TestCase("alice@example.com")]
    [TestCase("jürgen@example.de")]
    [TestCase("иван@пример.рф")]
    [TestCase("δοκιμή@παράδειγμα.δοκιμή")]
    public void Email_SingleScript_IsAccepted(string email) =>
        Assert.That(ParticipantEmail.TryNormalize(email, out var error), Is.Not.Null, error);

    [TestCase("bоb@example.com", "several scripts")] // Cyrillic о in a Latin address
    [TestCase("alice@exаmple.com", "several scripts")] // Cyrillic а in the domain
    [TestCase("аррӏе@аррӏе.сом", "look like Latin")] // wholly Cyrillic look-alike of apple@apple.com
    [TestCase("bob\u200d@example.com", "invisible")]
    [TestCase("bob\u202e@example.com", "invisible")]
    [TestCase("jose\u0301@example.com", "combining")] // é decomposed
    [TestCase("bob\u0301@example.com", "combining")]
    public void Email_LookAlike_IsRefused(string email, string why)
    {
        Assert.That(ParticipantEmail.TryNormalize(email, out var error), Is.Null);
        Assert.That(error, Does.Contain(why));
        Assert.That(error, Does.Not.Contain("\u202e").And.Not.Contain("\u200d"));
    }

    [TestCase("Alice\n[12:00:00 INF] approved", "control")]
    [TestCase("Alice\u001b[2J", "control")]
    [TestCase("Bob\u202eecilA", "invisible")]
    public void Name_WithControlOrFormatCharacters_IsRefused(string name, string why)
    {
        var p = Participant(name);
        Assert.That(ParticipantValidation.Normalize(p, out var code, out var message), Is.Null);
        Assert.That(code, Is.EqualTo(AuthNError.InvalidName));
        Assert.That(message, Does.Contain(why));
    }

    [Test]
    public void Name_OfOneHundredThousandCharacters_IsRefused()
    {
        Assert.That(ParticipantValidation.Normalize(Participant(new string('A', 100_000)), out _, out var message), Is.Null);
        Assert.That(message, Does.Contain("at most 64"));
        Assert.That(message.Length, Is.LessThan(300));
    }

    [Test]
    public void Printable_EscapesControlAndFormatCharacters_AndBoundsLength()
    {
        Assert.That(Text.Printable("a\nb\u001b[2J\u202ec"), Is.EqualTo("a\\u{000A}b\\u{001B}[2J\\u{202E}c"));
        Assert.That(Text.Printable(new string('x', 10_000)), Has.Length.LessThanOrEqualTo(Text.MaxPrinted + 3));
        Assert.That(Text.Printable("Jürgen 日本"), Is.EqualTo("Jürgen 日本"));
    }

    private static Participant Participant(string name) => new()
    {
        Name = name, Email = "alice@example.com", Role = Role.Engineer,
        CredentialId = ByteString.CopyFrom(new byte[16]),
        PublicKeySpki = ByteString.CopyFrom(System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256).ExportSubjectPublicKeyInfo()),
    };
}
