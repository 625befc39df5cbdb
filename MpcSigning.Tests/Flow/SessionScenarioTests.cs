using Akka.Actor;
using Akka.TestKit;
using Google.Protobuf;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Common;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Tests.Support;
using MpcSigning.Tests.TestKit;

namespace MpcSigning.Tests.Flow;

/// <summary>Approval scenarios against a real node, driven by Akka.TestKit probes on the node's actor system.</summary>
[NonParallelizable]
public class SessionScenarioTests
{
    private static readonly TimeSpan Signing = TimeSpan.FromSeconds(30);
    private TestNode _node = null!;
    private NodeTestKit _kit = null!;
    private TestProbe _probe = null!;

    [OneTimeSetUp]
    public async Task StartNode() => _node = await TestNode.StartAsync();

    [OneTimeTearDown]
    public async Task StopNode() => await _node.DisposeAsync();

    [SetUp]
    public void NewProbe()
    {
        _kit = new NodeTestKit(_node.Host.System);
        _probe = _kit.CreateTestProbe();
    }

    private async Task Submit(byte[] session, string email, Assertion? assertion = null, Role role = Role.Unspecified)
    {
        assertion ??= await _node.AssertionAsync(session, email);
        _probe.Send(_node.Host.Coordinator, new SubmitApproval
        {
            RequestId = email, SessionId = ByteString.CopyFrom(session), ParticipantEmail = email, Assertion = assertion, Role = role,
        });
    }

    private SessionStatus ExpectStatus(Func<SessionStatus, bool>? check = null) =>
        check is null ? _probe.ExpectMsg<SessionStatus>(Signing) : _probe.ExpectMsg<SessionStatus>(st => check(st), Signing);

    /// <summary>The running session actor (the coordinator's child), to watch it.</summary>
    private IActorRef SessionActor(byte[] session) =>
        _node.Host.System.ActorSelection($"/user/coordinator/session-{Convert.ToHexStringLower(session)}").ResolveOne(Signing).GetAwaiter().GetResult();

    private Rejected ExpectRejected(string code) => _probe.ExpectMsg<Rejected>(r => r.Error.Code == code, Signing);

    [Test]
    public async Task Session_ExactQuorum_SignsLogsAndWritesABundle()
    {
        var s = await _node.RequestAsync();
        await Submit(s, "alice@example.com");
        ExpectStatus(st => st.Phase == SessionPhase.AwaitingApprovals && st.StewardsNeeded == 2);
        await Submit(s, "bob@example.com");
        ExpectStatus(st => st.StewardsNeeded == 1);
        var sessionActor = SessionActor(s);
        _probe.Watch(sessionActor);
        await Submit(s, "carol@example.com");
        var done = ExpectStatus(st => st.Phase == SessionPhase.Completed);
        Assert.That(done.BundleJson.IsEmpty, Is.False);
        Assert.That(File.Exists(_node.Host.BundlePath(s)), Is.True);
        _probe.ExpectTerminated(sessionActor, Signing); // final: the per-request actor stops
        _probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // one reply per approval, nothing later
    }

    [Test]
    public async Task Session_ExtraEngineerBeforeStewards_SignsWithEveryApprovalRecorded()
    {
        var s = await _node.RequestAsync();
        await Submit(s, "alice@example.com");
        ExpectStatus();
        await Submit(s, "dave@example.com");
        ExpectStatus(st => st.Approvers.Count == 2 && st.EngineersNeeded == 0 && st.StewardsNeeded == 2);
        await Submit(s, "bob@example.com");
        ExpectStatus(st => st.Phase == SessionPhase.AwaitingApprovals);
        await Submit(s, "carol@example.com");
        ExpectStatus(st => st.Phase == SessionPhase.Completed && st.Approvers.Count == 4);
    }

    [Test]
    public async Task Session_MissingSteward_DoesNotSign()
    {
        var s = await _node.RequestAsync();
        await Submit(s, "alice@example.com");
        ExpectStatus();
        await Submit(s, "bob@example.com");
        var st = ExpectStatus();
        Assert.That((st.Phase, st.EngineersNeeded, st.StewardsNeeded), Is.EqualTo((SessionPhase.AwaitingApprovals, 0u, 1u)));
        Assert.That(File.Exists(_node.Host.BundlePath(s)), Is.False);
    }

    [Test]
    public async Task Session_SamePersonTwiceWithFreshAssertion_CountsOnce()
    {
        var s = await _node.RequestAsync();
        await Submit(s, "bob@example.com");
        ExpectStatus();
        await Submit(s, "bob@example.com");
        var st = ExpectStatus(x => x.DuplicateApproval);
        Assert.That((st.Approvers.Count, st.StewardsNeeded), Is.EqualTo((1, 1u)));
    }

    [Test]
    public async Task Session_SameAssertionResent_IsIdempotent()
    {
        var s = await _node.RequestAsync();
        var assertion = await _node.AssertionAsync(s, "bob@example.com");
        await Submit(s, "bob@example.com", assertion);
        ExpectStatus();
        await Submit(s, "bob@example.com", assertion);
        await Submit(s, "bob@example.com", assertion);
        var replies = new List<SessionStatus>();
        _probe.FishForMessage<SessionStatus>(st =>
        {
            replies.Add(st);
            return replies.Count == 2;
        }, Signing);
        Assert.That(replies.Select(r => (r.DuplicateApproval, r.Approvers.Count)), Is.EqualTo(new[] { (true, 1), (true, 1) }));
    }

    [Test]
    public async Task Session_StewardClaimingEngineerRole_IsRefusedAndNothingChanges()
    {
        var s = await _node.RequestAsync();
        await Submit(s, "bob@example.com", role: Role.Engineer);
        ExpectRejected("authn.wrongrole");
        Assert.That((await _node.Host.Client.StatusAsync(s)).Approvers, Is.Empty);
    }

    [Test]
    public async Task Session_UnknownParticipant_IsRefused()
    {
        var s = await _node.RequestAsync();
        await Submit(s, "mallory@example.com", await _node.AssertionAsync(s, "alice@example.com"));
        ExpectRejected("authn.unknownparticipant");
    }

    [Test]
    public async Task Session_TamperedAssertion_IsRefused()
    {
        var s = await _node.RequestAsync();
        var a = await _node.AssertionAsync(s, "alice@example.com");
        var sig = a.Signature.ToByteArray();
        sig[^1] ^= 1;
        a.Signature = ByteString.CopyFrom(sig);
        await Submit(s, "alice@example.com", a);
        _probe.ExpectMsg<Rejected>(r => r.Error.Code.StartsWith("authn."), Signing);
        Assert.That((await _node.Host.Client.StatusAsync(s)).Approvers, Is.Empty);
    }

    [Test]
    public async Task Session_AssertionReplayedFromAnotherSession_IsRefused()
    {
        var first = await _node.RequestAsync();
        var second = await _node.RequestAsync();
        await Submit(second, "alice@example.com", await _node.AssertionAsync(first, "alice@example.com"));
        _probe.ExpectMsg<Rejected>(r => r.Error.Code.StartsWith("authn.") && r.Error.Message.Contains("challenge"), Signing);
    }

    [Test]
    public async Task Session_ApprovalAfterSigning_IsRefusedAsFinished()
    {
        var s = await _node.RequestAsync();
        foreach (var who in new[] { "alice@example.com", "bob@example.com", "carol@example.com" })
        {
            await Submit(s, who);
            ExpectStatus();
        }
        await Submit(s, "dave@example.com");
        ExpectRejected("coordinator.session_finished");
    }

    [Test]
    public async Task Session_UnknownId_IsRefused()
    {
        await Submit(new byte[16], "alice@example.com", new Assertion());
        ExpectRejected("coordinator.unknown_session");
    }

    [Test]
    public async Task RequestSigning_DigestOfWrongLength_IsRefused()
    {
        _probe.Send(_node.Host.Coordinator, new RequestSigning { RequestId = "r", ArtifactDigest = ByteString.CopyFrom(new byte[31]) });
        ExpectRejected("coordinator.invalid_request");
        await Task.CompletedTask;
    }
}
