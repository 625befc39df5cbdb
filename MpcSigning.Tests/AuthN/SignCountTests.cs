using MpcSigning.Proto.AuthN;

namespace MpcSigning.Tests.AuthN;

public class SignCountTests
{
    [Test]
    public void TryAdvanceSignCount_ExpectedOldMatches_StoresNewCount()
    {
        using var f = new RegistryFixture();
        f.Registry.Enroll(RegistryFixture.NewParticipant());
        Assert.That(f.Registry.TryAdvanceSignCount("Alice@example.org", 0, 7), Is.True);
        Assert.That(f.Registry.Find("alice@example.org")!.SignCount, Is.EqualTo(7));
    }

    [TestCase(3u, 9u, TestName = "TryAdvanceSignCount_StaleExpectedOld_IsRefused")]
    [TestCase(5u, 5u, TestName = "TryAdvanceSignCount_EqualCount_IsRefused")]
    [TestCase(5u, 4u, TestName = "TryAdvanceSignCount_LowerCount_IsRefused")]
    public void TryAdvanceSignCount_Refused_LeavesCounterUnchanged(uint expectedOld, uint newCount)
    {
        using var f = new RegistryFixture();
        f.Registry.Enroll(RegistryFixture.NewParticipant());
        f.Registry.TryAdvanceSignCount("alice@example.org", 0, 5);
        Assert.That(f.Registry.TryAdvanceSignCount("alice@example.org", expectedOld, newCount), Is.False);
        Assert.That(f.Registry.Find("alice@example.org")!.SignCount, Is.EqualTo(5));
    }

    [Test]
    public void TryAdvanceSignCount_BothZero_IsAccepted() // authenticators without a counter always report 0
    {
        using var f = new RegistryFixture();
        f.Registry.Enroll(RegistryFixture.NewParticipant());
        Assert.That(f.Registry.TryAdvanceSignCount("alice@example.org", 0, 0), Is.True);
    }

    [Test]
    public void TryAdvanceSignCount_UnknownParticipant_IsFalse()
    {
        using var f = new RegistryFixture();
        Assert.That(f.Registry.TryAdvanceSignCount("nobody@example.org", 0, 1), Is.False);
    }

    [Test]
    public void TryAdvanceSignCount_ConcurrentSameExpectedOld_ExactlyOneWins()
    {
        using var f = new RegistryFixture();
        f.Registry.Enroll(RegistryFixture.NewParticipant(role: Role.Steward));
        f.Registry.TryAdvanceSignCount("alice@example.org", 0, 10);
        for (var round = 0; round < 5; round++)
        {
            var old = (uint)(10 + round * 10);
            using var start = new Barrier(8);
            var wins = new int[8];
            var threads = Enumerable.Range(0, 8).Select(i => new Thread(() =>
            {
                start.SignalAndWait();
                if (f.Registry.TryAdvanceSignCount("alice@example.org", old, old + 10)) wins[i] = 1;
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Assert.That(wins.Sum(), Is.EqualTo(1), $"round {round}");
            Assert.That(f.Registry.Find("alice@example.org")!.SignCount, Is.EqualTo(old + 10));
        }
    }
}
