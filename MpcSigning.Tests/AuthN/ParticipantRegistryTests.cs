using Google.Protobuf;
using MpcSigning.AuthN;
using MpcSigning.AuthN.Registry;
using MpcSigning.AuthN.Registry.Sqlite;
using MpcSigning.Proto.AuthN;

namespace MpcSigning.Tests.AuthN;

public class ParticipantRegistryTests
{
    [Test]
    public void Enroll_NewParticipant_RoundTripsThroughFindAndList()
    {
        using var f = new RegistryFixture();
        var p = RegistryFixture.NewParticipant();
        var r = f.Registry.Enroll(p);
        Assert.That(r.Status, Is.EqualTo(EnrollStatus.Enrolled), r.Message);
        Assert.That(f.Registry.Find("alice@example.org"), Is.EqualTo(p));
        Assert.That(f.Registry.List(), Is.EqualTo(new[] { p }));
    }

    [Test]
    public void Enroll_EmailWithCaseAndSpaces_IsStoredNormalizedAndFoundEitherWay()
    {
        using var f = new RegistryFixture();
        f.Registry.Enroll(RegistryFixture.NewParticipant(email: "  Alice@Example.ORG ", name: " Alice "));
        var found = f.Registry.Find("ALICE@example.org");
        Assert.That(found?.Email, Is.EqualTo("alice@example.org"));
        Assert.That(found?.Name, Is.EqualTo("Alice"));
    }

    [Test]
    public void Enroll_SameParticipantTwice_IsIdempotent()
    {
        using var f = new RegistryFixture();
        var p = RegistryFixture.NewParticipant();
        f.Registry.Enroll(p);
        var again = p.Clone();
        again.Email = "ALICE@example.org";
        again.RegisteredAtUnixMs = 0;
        var r = f.Registry.Enroll(again);
        Assert.That(r.Status, Is.EqualTo(EnrollStatus.AlreadyEnrolled));
        Assert.That(r.Participant, Is.EqualTo(p));
        Assert.That(f.Registry.List(), Has.Count.EqualTo(1));
    }

    [Test]
    public void Enroll_SameEmailOtherCredential_IsRefusedAndNothingChanges()
    {
        using var f = new RegistryFixture();
        var p = RegistryFixture.NewParticipant();
        f.Registry.Enroll(p);
        var r = f.Registry.Enroll(RegistryFixture.NewParticipant());
        Assert.That((r.Status, r.Code), Is.EqualTo((EnrollStatus.Refused, AuthNError.DuplicateEmail)));
        Assert.That(r.Message, Does.Contain("alice@example.org").And.Contain("credential"));
        Assert.That(f.Registry.List(), Is.EqualTo(new[] { p }));
    }

    [Test]
    public void Enroll_SameEmailOtherRole_IsRefused()
    {
        using var f = new RegistryFixture();
        var p = RegistryFixture.NewParticipant();
        f.Registry.Enroll(p);
        var promoted = p.Clone();
        promoted.Role = Role.Steward;
        Assert.That(f.Registry.Enroll(promoted).Code, Is.EqualTo(AuthNError.DuplicateEmail));
        Assert.That(f.Registry.Find(p.Email)!.Role, Is.EqualTo(Role.Engineer));
    }

    [Test]
    public void Enroll_CredentialOfAnotherParticipant_IsRefused()
    {
        using var f = new RegistryFixture();
        var alice = RegistryFixture.NewParticipant();
        f.Registry.Enroll(alice);
        var bob = RegistryFixture.NewParticipant(email: "bob@example.org", name: "Bob");
        bob.CredentialId = alice.CredentialId;
        var r = f.Registry.Enroll(bob);
        Assert.That(r.Code, Is.EqualTo(AuthNError.DuplicateCredential));
        Assert.That(f.Registry.Find("bob@example.org"), Is.Null);
    }

    private static IEnumerable<TestCaseData> InvalidParticipants()
    {
        TestCaseData Case(string name, Action<Participant> change, AuthNError code) =>
            new TestCaseData(change, code).SetName($"Enroll_{name}_IsRefusedWith{code}");
        yield return Case("EmptyEmail", p => p.Email = " ", AuthNError.InvalidEmail);
        yield return Case("EmailWithoutDomain", p => p.Email = "alice@", AuthNError.InvalidEmail);
        yield return Case("EmailWithoutAt", p => p.Email = "alice.example.org", AuthNError.InvalidEmail);
        yield return Case("EmailWithTwoAts", p => p.Email = "a@b@example.org", AuthNError.InvalidEmail);
        yield return Case("EmptyName", p => p.Name = "  ", AuthNError.InvalidName);
        yield return Case("UnspecifiedRole", p => p.Role = Role.Unspecified, AuthNError.InvalidRole);
        yield return Case("UnknownRoleNumber", p => p.Role = (Role)7, AuthNError.InvalidRole);
        yield return Case("ShortCredentialId", p => p.CredentialId = ByteString.CopyFrom(new byte[15]), AuthNError.InvalidCredentialId);
        yield return Case("GarbagePublicKey", p => p.PublicKeySpki = ByteString.CopyFrom(new byte[91]), AuthNError.PublicKeyInvalid);
        yield return Case("P384PublicKey", p =>
        {
            using var k = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP384);
            p.PublicKeySpki = ByteString.CopyFrom(k.ExportSubjectPublicKeyInfo());
        }, AuthNError.PublicKeyInvalid);
        yield return Case("CoseKeyNotTheSpkiKey", p =>
        {
            using var k = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
            p.CredentialPublicKeyCose = ByteString.CopyFrom(MpcSigning.AuthN.Passkeys.CoseKeys.FromSpki(k.ExportSubjectPublicKeyInfo())!);
        }, AuthNError.PublicKeyInvalid);
    }

    [TestCaseSource(nameof(InvalidParticipants))]
    public void Enroll_InvalidParticipant_IsRefusedAndNothingChanges(Action<Participant> change, AuthNError code)
    {
        using var f = new RegistryFixture();
        var p = RegistryFixture.NewParticipant();
        change(p);
        var r = f.Registry.Enroll(p);
        Assert.That((r.Status, r.Code), Is.EqualTo((EnrollStatus.Refused, code)), r.Message);
        Assert.That(r.Message, Is.Not.Empty);
        Assert.That(f.Registry.List(), Is.Empty);
    }

    [Test]
    public void Enroll_WithoutTimestamp_UsesTheRegistryClock()
    {
        using var f = new RegistryFixture();
        var registry = new SqliteParticipantRegistry(f.Db, new FixedClock(DateTimeOffset.FromUnixTimeMilliseconds(42_000)));
        var p = RegistryFixture.NewParticipant();
        p.RegisteredAtUnixMs = 0;
        Assert.That(registry.Enroll(p).Participant!.RegisteredAtUnixMs, Is.EqualTo(42_000));
    }

    [Test]
    public void Registry_ReopenedOnSameDatabase_KeepsParticipants()
    {
        using var f = new RegistryFixture();
        f.Registry.Enroll(RegistryFixture.NewParticipant());
        Assert.That(new SqliteParticipantRegistry(f.Db).Find("alice@example.org"), Is.Not.Null);
    }

    [Test]
    public void List_SeveralParticipants_AreOrderedByEmail()
    {
        using var f = new RegistryFixture();
        foreach (var e in new[] { "carol@example.org", "alice@example.org", "bob@example.org" })
            f.Registry.Enroll(RegistryFixture.NewParticipant(email: e, role: Role.Steward));
        Assert.That(f.Registry.List().Select(p => p.Email), Is.Ordered);
    }

    [Test]
    public void Find_UnknownOrInvalidEmail_ReturnsNull()
    {
        using var f = new RegistryFixture();
        Assert.That(f.Registry.Find("nobody@example.org"), Is.Null);
        Assert.That(f.Registry.Find("not an email"), Is.Null);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
