using MpcSigning.AuthN;
using MpcSigning.AuthN.Software;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Proto.AuthN;

namespace MpcSigning.Tests.AuthN;

public class ApprovalsTests
{
    private static readonly byte[] Challenge = ApprovalChallenge.Derive(Guid.NewGuid().ToByteArray(), new byte[32]);

    private static (RegistryFixture Registry, TempDir Keys, SoftwareAuthenticator Alice) Setup(Role role = Role.Engineer)
    {
        var f = new RegistryFixture();
        var keys = new TempDir();
        var alice = SoftwareAuthenticator.Create(keys.Path, "alice@example.org");
        f.Registry.Enroll(alice.ToParticipant("Alice", role, 1));
        return (f, keys, alice);
    }

    [Test]
    public void Admit_FreshAssertionFromEnrolledParticipant_ReturnsRecordAndAdvancesCounter()
    {
        var (f, keys, alice) = Setup();
        using (f)
        using (keys)
        {
            var o = Approvals.Admit(f.Registry, "alice@example.org", alice.GetAssertion(Challenge, RelyingParty.Default), Challenge,
                RelyingParty.Default, 99, Role.Engineer);
            Assert.That(o.Ok, Is.True, o.Message);
            Assert.That(o.Record!.ParticipantEmail, Is.EqualTo("alice@example.org"));
            Assert.That(o.Record.Role, Is.EqualTo(Role.Engineer));
            Assert.That(o.Record.ApprovedAtUnixMs, Is.EqualTo(99));
            Assert.That(f.Registry.Find("alice@example.org")!.SignCount, Is.EqualTo(1));
            Assert.That(Approvals.Reverify(o.Record, Challenge, RelyingParty.Default).Ok, Is.True);
        }
    }

    [Test]
    public void Admit_SameAssertionTwice_SecondIsRefusedAsReplay()
    {
        var (f, keys, alice) = Setup();
        using (f)
        using (keys)
        {
            var a = alice.GetAssertion(Challenge, RelyingParty.Default);
            Approvals.Admit(f.Registry, "alice@example.org", a, Challenge, RelyingParty.Default, 1);
            var again = Approvals.Admit(f.Registry, "alice@example.org", a, Challenge, RelyingParty.Default, 2);
            Assert.That(again.Code, Is.EqualTo(AuthNError.SignCountNotIncreased));
        }
    }

    [Test]
    public void Admit_UnknownParticipant_IsRefused()
    {
        var (f, keys, alice) = Setup();
        using (f)
        using (keys)
        {
            var o = Approvals.Admit(f.Registry, "mallory@example.org", alice.GetAssertion(Challenge, RelyingParty.Default), Challenge,
                RelyingParty.Default, 1);
            Assert.That(o.Code, Is.EqualTo(AuthNError.UnknownParticipant));
            Assert.That(o.Message, Does.Contain("mallory@example.org"));
        }
    }

    [Test]
    public void Admit_WrongRole_IsRefusedAndCounterUnchanged()
    {
        var (f, keys, alice) = Setup(Role.Engineer);
        using (f)
        using (keys)
        {
            var o = Approvals.Admit(f.Registry, "alice@example.org", alice.GetAssertion(Challenge, RelyingParty.Default), Challenge,
                RelyingParty.Default, 1, Role.Steward);
            Assert.That(o.Code, Is.EqualTo(AuthNError.WrongRole));
            Assert.That(f.Registry.Find("alice@example.org")!.SignCount, Is.Zero);
        }
    }

    [Test]
    public void Admit_CounterAdvancedMeanwhile_IsRefusedAsRace()
    {
        var (f, keys, alice) = Setup();
        using (f)
        using (keys)
        {
            var a = alice.GetAssertion(Challenge, RelyingParty.Default);
            var racing = new RacingRegistry(f.Registry);
            Assert.That(Approvals.Admit(racing, "alice@example.org", a, Challenge, RelyingParty.Default, 1).Code,
                Is.EqualTo(AuthNError.SignCountRace));
        }
    }

    [Test]
    public void Reverify_RecordForAnotherSession_FailsWithChallengeMismatch()
    {
        var (f, keys, alice) = Setup();
        using (f)
        using (keys)
        {
            var o = Approvals.Admit(f.Registry, "alice@example.org", alice.GetAssertion(Challenge, RelyingParty.Default), Challenge,
                RelyingParty.Default, 1);
            var other = ApprovalChallenge.Derive(Guid.NewGuid().ToByteArray(), new byte[32]);
            Assert.That(Approvals.Reverify(o.Record!, other, RelyingParty.Default).Code, Is.EqualTo(AuthNError.ChallengeMismatch));
        }
    }

    /// <summary>Finds the participant as it was, but another approval advances the counter before the CAS.</summary>
    private sealed class RacingRegistry(MpcSigning.AuthN.Registry.IParticipantRegistry inner) : MpcSigning.AuthN.Registry.IParticipantRegistry
    {
        public MpcSigning.AuthN.Registry.EnrollResult Enroll(Participant participant) => inner.Enroll(participant);
        public Participant? Find(string email) => inner.Find(email);
        public Participant? FindByCredentialId(byte[] credentialId) => inner.FindByCredentialId(credentialId);
        public IReadOnlyList<Participant> List() => inner.List();

        public bool TryAdvanceSignCount(string email, uint expectedOld, uint newCount)
        {
            inner.TryAdvanceSignCount(email, expectedOld, newCount); // the concurrent approval wins
            return inner.TryAdvanceSignCount(email, expectedOld, newCount);
        }
    }
}
