using MpcSigning.Actors;

namespace MpcSigning.Tests.TestKit;

/// <summary>Base for scenario tests: a fresh actor system per test, terminated afterwards.</summary>
public abstract class ActorTestKit
{
    private int _probes;

    protected ActorSystem Sys { get; private set; } = null!;

    [SetUp]
    public void CreateActorSystem() => Sys = ActorSystem.Create("test-node");

    [TearDown]
    public async Task TerminateActorSystem()
    {
        var done = Sys.TerminateAsync();
        if (await Task.WhenAny(done, Task.Delay(TimeSpan.FromSeconds(10))) != done)
            Assert.Fail("the actor system did not terminate within 10 s (an actor is stuck)");
    }

    protected TestProbe CreateTestProbe(string? name = null) =>
        new(Sys, name ?? "probe-" + Interlocked.Increment(ref _probes));
}
