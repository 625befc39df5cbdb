using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.TestKit;

namespace MpcSigning.Tests.TestKit;

/// <summary>
/// Akka.TestKit under NUnit: a fresh actor system per test (one fixture instance per test case), shut down after it.
/// Derive from it and use <c>Sys</c>, <c>TestActor</c>, <c>CreateTestProbe</c>, <c>ExpectMsg</c> and the rest.
/// </summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public abstract class TestKit : TestKitBase
{
    protected TestKit(Config? config = null, string? actorSystemName = null)
        : base(NUnitAssertions.Instance, config, actorSystemName)
    {
    }

    protected TestKit(ActorSystemSetup setup, string? actorSystemName = null)
        : base(NUnitAssertions.Instance, setup, actorSystemName)
    {
    }

    [TearDown]
    public void ShutdownActorSystem() => Shutdown(TimeSpan.FromSeconds(10), verifySystemShutdown: true);
}

/// <summary>
/// Akka.TestKit on an actor system the test does not own (a running node's): probes, expectations and death watch,
/// without shutting the system down.
/// </summary>
public sealed class NodeTestKit(ActorSystem system) : TestKitBase(NUnitAssertions.Instance, system);
