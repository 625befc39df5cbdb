using MpcSigning.AuthN;
using MpcSigning.AuthN.Registry;
using MpcSigning.Proto.AuthN;
using MpcSigning.Tests.AuthN;

namespace MpcSigning.Tests.Storage;

/// <summary>
/// The participant registry's contract on SQLite and PostgreSQL: enroll and read back, one enrollment per email and
/// per credential also under concurrent enrollments, and a compare-and-set counter that one of many racing approvals wins.
/// </summary>
[TestFixtureSource(typeof(StoreUnderTest), nameof(StoreUnderTest.Kinds))]
public class RegistryContractTests(string kind)
{
    private StoreUnderTest _store = null!;
    private IParticipantRegistry _registry = null!;

    [SetUp]
    public void SetUp()
    {
        _store = new StoreUnderTest(kind);
        _registry = _store.OpenNodeStores().OpenRegistry(TimeProvider.System);
    }

    [TearDown]
    public void TearDown() => _store.Dispose();

    [Test]
    public void Enroll_RoundTripsThroughFindAndList_InEmailOrder()
    {
        var bob = RegistryFixture.NewParticipant("bob@example.org", Role.Steward, "Bob");
        var alice = RegistryFixture.NewParticipant(" Alice@Example.org ", Role.Engineer, "Alice");
        Assert.That(_registry.Enroll(bob).Status, Is.EqualTo(EnrollStatus.Enrolled));
        Assert.That(_registry.Enroll(alice).Status, Is.EqualTo(EnrollStatus.Enrolled));
        Assert.That(_registry.Find("ALICE@example.org")!.Name, Is.EqualTo("Alice"));
        Assert.That(_registry.List().Select(p => p.Email), Is.EqualTo(new[] { "alice@example.org", "bob@example.org" }));
        // a second registry over the same store (another node, or a restart) sees the same participants
        var other = _store.OpenNodeStores().OpenRegistry(TimeProvider.System);
        Assert.That(other.Find("bob@example.org"), Is.EqualTo(bob));
    }

    [Test]
    public void Enroll_PasskeyCredentialFields_RoundTripAndFindByCredentialId()
    {
        var p = RegistryFixture.NewParticipant();
        p.BackupEligible = true;
        p.BackedUp = true;
        p.Aaguid = Google.Protobuf.ByteString.CopyFrom(Guid.NewGuid().ToByteArray());
        p.AttestationFormat = "packed";
        p.UserHandle = Google.Protobuf.ByteString.CopyFrom(new byte[32]);
        Assert.That(_registry.Enroll(p).Status, Is.EqualTo(EnrollStatus.Enrolled));
        Assert.That(_registry.Find(p.Email), Is.EqualTo(p));
        Assert.That(_registry.FindByCredentialId(p.CredentialId.ToByteArray()), Is.EqualTo(p));
        Assert.That(_registry.FindByCredentialId(new byte[32]), Is.Null);
    }

    [Test]
    public void Enroll_IdenticalAgainIsIdempotent_DifferentUnderSameEmailIsRefused()
    {
        var p = RegistryFixture.NewParticipant();
        _registry.Enroll(p);
        Assert.That(_registry.Enroll(p.Clone()).Status, Is.EqualTo(EnrollStatus.AlreadyEnrolled));
        var refused = _registry.Enroll(RegistryFixture.NewParticipant());
        Assert.That(refused.Code, Is.EqualTo(AuthNError.DuplicateEmail));
        Assert.That(_registry.List(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Enroll_OneCredentialUnderManyEmailsConcurrently_ExactlyOneEnrolled()
    {
        var template = RegistryFixture.NewParticipant();
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
        {
            var p = template.Clone();
            p.Email = $"user{i}@example.org";
            return _registry.Enroll(p);
        })));
        Assert.That(results.Count(r => r.Status == EnrollStatus.Enrolled), Is.EqualTo(1));
        Assert.That(results.Where(r => !r.Ok).Select(r => r.Code), Is.All.EqualTo(AuthNError.DuplicateCredential));
        Assert.That(_registry.List(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Enroll_OneEmailWithManyCredentialsConcurrently_ExactlyOneEnrolled()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => _registry.Enroll(RegistryFixture.NewParticipant()))));
        Assert.That(results.Count(r => r.Status == EnrollStatus.Enrolled), Is.EqualTo(1));
        Assert.That(results.Where(r => !r.Ok).Select(r => r.Code), Is.All.EqualTo(AuthNError.DuplicateEmail));
    }

    [Test]
    public async Task TryAdvanceSignCount_RacingApprovalsOnOneCounter_ExactlyOneWins()
    {
        _registry.Enroll(RegistryFixture.NewParticipant());
        var wins = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => _registry.TryAdvanceSignCount("alice@example.org", 0, (uint)(i + 1)))));
        Assert.That(wins.Count(w => w), Is.EqualTo(1));
        var stored = _registry.Find("alice@example.org")!.SignCount;
        Assert.That(stored, Is.EqualTo((uint)(Array.IndexOf(wins, true) + 1)));
        Assert.That(_registry.TryAdvanceSignCount("alice@example.org", stored, stored), Is.False, "not greater");
        Assert.That(_registry.TryAdvanceSignCount("nobody@example.org", 0, 1), Is.False);
    }
}
