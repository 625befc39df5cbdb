using MpcSigning.Actors;
using MpcSigning.Tests.TestKit;

namespace MpcSigning.Tests.Actors;

public class KernelTests : ActorTestKit
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);

    [Test]
    public void Tell_ManyMessagesFromOneSender_ArriveInOrder()
    {
        var probe = CreateTestProbe();
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()), "echo");
        for (var i = 0; i < 200; i++) probe.Send(echo, new Work(i));
        for (var i = 0; i < 200; i++) probe.ExpectMsg<Done>(d => d.N == i);
    }

    [Test]
    public void Actor_ManyConcurrentSenders_HandlesOneMessageAtATime()
    {
        EchoActor.MaxConcurrent = 0;
        var probe = CreateTestProbe();
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        Parallel.For(0, 100, i => probe.Send(echo, new Work(i)));
        for (var i = 0; i < 100; i++) probe.ExpectMsg<Done>();
        Assert.That(EchoActor.MaxConcurrent, Is.EqualTo(1));
    }

    [Test]
    public async Task Ask_Reply_ReturnsTypedReply()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var done = await echo.Ask<Done>(new Work(7), TimeSpan.FromSeconds(3));
        Assert.That(done.N, Is.EqualTo(7));
    }

    [Test]
    public void Ask_NoReply_ThrowsAskTimeoutExceptionNamingTheTarget()
    {
        var silent = Sys.ActorOf(Props.Create(() => new StatefulActor(new StatefulActor.Store())), "silent");
        var e = Assert.ThrowsAsync<AskTimeoutException>(() => silent.Ask<Done>(new Work(1), Short));
        Assert.That(e!.Message, Does.Contain("test-node/user/silent"));
    }

    [Test]
    public async Task Actor_HandlerThrows_IsRestartedWithStateRebuiltFromStore()
    {
        var store = new StatefulActor.Store();
        var actor = Sys.ActorOf(Props.Create(() => new StatefulActor(store)));
        actor.Tell(new Work(1));
        actor.Tell(new Work(2));
        actor.Tell(new Crash("boom"));
        var state = await actor.Ask<State>(new GetState(), TimeSpan.FromSeconds(3));
        Assert.That(state, Is.EqualTo(new State(Count: 2, Starts: 2)));
    }

    [Test]
    public void Child_FailsUnderStoppingStrategy_IsStoppedAndParentsWatchSeesIt()
    {
        var probe = CreateTestProbe();
        var parent = Sys.ActorOf(Props.Create(() => new ParentActor(OneForOneStrategy.StoppingStrategy, probe)), "parent");
        probe.Send(parent, new SpawnChild("kid", Props.Create(() => new StatefulActor(new StatefulActor.Store()))));
        var child = probe.ExpectMsg<IActorRef>();
        Assert.That(child.Path.ToString(), Is.EqualTo("test-node/user/parent/kid"));
        child.Tell(new Crash("boom"));
        probe.ExpectMsg<Terminated>(t => t.ActorRef.Path == child.Path);
    }

    [Test]
    public async Task Child_FailsUnderResumeStrategy_KeepsItsState()
    {
        var probe = CreateTestProbe();
        var resume = new OneForOneStrategy(10, TimeSpan.FromMinutes(1), _ => Directive.Resume);
        var parent = Sys.ActorOf(Props.Create(() => new ParentActor(resume, probe)));
        var store = new StatefulActor.Store();
        probe.Send(parent, new SpawnChild("kid", Props.Create(() => new StatefulActor(store))));
        var child = probe.ExpectMsg<IActorRef>();
        child.Tell(new Work(1));
        child.Tell(new Crash("boom"));
        Assert.That(await child.Ask<State>(new GetState(), TimeSpan.FromSeconds(3)), Is.EqualTo(new State(1, 1)));
    }

    [Test]
    public void Child_FailingBeyondRetryLimit_IsStopped()
    {
        var probe = CreateTestProbe();
        var twice = new OneForOneStrategy(2, TimeSpan.FromMinutes(1), _ => Directive.Restart);
        var parent = Sys.ActorOf(Props.Create(() => new ParentActor(twice, probe)));
        probe.Send(parent, new SpawnChild("kid", Props.Create(() => new StatefulActor(new StatefulActor.Store()))));
        var child = probe.ExpectMsg<IActorRef>();
        for (var i = 0; i < 3; i++) child.Tell(new Crash("again"));
        probe.ExpectTerminated(child);
    }

    [Test]
    public void Stop_WatchedActor_DeliversTerminatedToWatcher()
    {
        var probe = CreateTestProbe();
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        probe.Watch(echo);
        Sys.Stop(echo);
        probe.ExpectTerminated(echo);
    }

    [Test]
    public async Task Watch_AlreadyStoppedActor_DeliversTerminatedAtOnce()
    {
        var probe = CreateTestProbe();
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        Assert.That(await Sys.GracefulStop(echo, TimeSpan.FromSeconds(3)), Is.True);
        probe.Watch(echo);
        probe.ExpectTerminated(echo);
    }

    [Test]
    public async Task Tell_ToStoppedActor_BecomesADeadLetter()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        await Sys.GracefulStop(echo, TimeSpan.FromSeconds(3));
        var before = Sys.DeadLetterCount;
        echo.Tell(new Work(1));
        Assert.That(Sys.DeadLetterCount, Is.EqualTo(before + 1));
    }

    [Test]
    public void ScheduleTellOnce_AfterDelay_DeliversTheMessage()
    {
        var probe = CreateTestProbe();
        Sys.ActorOf(Props.Create(() => new TimerActor(probe, TimeSpan.FromMilliseconds(50))));
        probe.ExpectMsg<Later>(l => l.Text == "tick");
    }

    [Test]
    public void ScheduleTellOnce_ActorStoppedFirst_IsCancelled()
    {
        var probe = CreateTestProbe();
        var actor = Sys.ActorOf(Props.Create(() => new TimerActor(probe, TimeSpan.FromMilliseconds(200))));
        Sys.Stop(actor);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(400));
    }

    [Test]
    public void Resolve_ChildAddress_FindsTheChild()
    {
        var probe = CreateTestProbe();
        var parent = Sys.ActorOf(Props.Create(() => new ParentActor(OneForOneStrategy.Default, probe)), "p");
        probe.Send(parent, new SpawnChild("c", Props.Create(() => new EchoActor())));
        var child = probe.ExpectMsg<IActorRef>();
        Assert.That(Sys.Resolve(ActorPath.Parse("test-node/user/p/c")), Is.SameAs(child));
        Assert.That(Sys.Resolve(ActorPath.Parse("test-node/user/p/missing")), Is.Null);
    }

    [Test]
    public void ActorOf_DuplicateName_IsRefused()
    {
        Sys.ActorOf(Props.Create(() => new EchoActor()), "same");
        Assert.Throws<InvalidOperationException>(() => Sys.ActorOf(Props.Create(() => new EchoActor()), "same"));
    }

    [Test]
    public void ActorPath_WithoutNode_IsRejected() =>
        Assert.Throws<FormatException>(() => ActorPath.Parse("no-slash"));
}
