using Akka.Actor;
using MpcSigning.Attestation;
using MpcSigning.Proto.Common;
using MpcSigning.Tests.Transport.Support;
using MpcSigning.Transport;

namespace MpcSigning.Tests.Transport;

/// <summary>Re-attestation over a live link: a peer that still verifies keeps its link, one that no longer does is cut off.</summary>
[NonParallelizable]
public class ReattestationTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(300);

    [Test, CancelAfter(60_000)]
    public async Task Reattestation_PeerStillVerifies_RenewsTheLinksDigest()
    {
        await using var world = new LinkWorld();
        var a = world.Start("node-a", reattestInterval: Interval);
        var b = world.Start("node-b");
        await a.Select(b, "echo").Ask<ErrorInfo>(new ErrorInfo { Code = "up" }, Wait);
        var first = a.Links.DigestOf(b.Address);

        var renewed = await a.Events.NextAsync<AttestedLinkReattested>();

        Assert.That(renewed.Peer, Is.EqualTo(b.Address));
        Assert.That(renewed.ReportDigest, Is.Not.EqualTo(first), "a fresh report for a fresh nonce");
        Assert.That(a.Links.DigestOf(b.Address), Is.Not.Null);
        var again = await a.Select(b, "echo").Ask<ErrorInfo>(new ErrorInfo { Code = "still linked" }, Wait);
        Assert.That(again.Code, Is.EqualTo("still linked"));
    }

    [Test, CancelAfter(60_000)]
    public async Task Reattestation_PeerNoLongerVerifies_IsDisconnectedAndNothingMoreDelivered()
    {
        await using var world = new LinkWorld();
        var bProvider = new SwitchableProvider(world.Provider);
        var a = world.Start("node-a", reattestInterval: Interval);
        var b = world.Start("node-b", provider: bProvider);
        b.Select(a, "recorder").Tell(new ErrorInfo { Code = "before" });
        await AttestedLinkTests.WaitForAsync(a, r => r.Messages.Length == 1);

        using var changed = LinkWorld.NewProvider(LinkWorld.OtherMeasurement());
        bProvider.SwitchTo(changed);

        var failed = await a.Events.NextAsync<PeerAttestationFailed>();
        Assert.That(failed.Peer, Is.EqualTo(b.Address));
        Assert.That(failed.Identity.NodeName, Is.EqualTo("node-b"));
        Assert.That(failed.Code, Is.EqualTo(LinkError.AttestationFailed));
        Assert.That(failed.Reason, Does.Contain(nameof(AttestationError.MeasurementMismatch)));
        await a.Events.NextAsync<AttestedLinkClosed>();
        Assert.That(a.Links.DigestOf(b.Address), Is.Null);

        // B's next messages need a new link, whose handshake A refuses: they never arrive. (B's Akka gates A's address
        // for a moment after the cut and drops what it is told meanwhile, so B keeps telling until A has refused a link.)
        var refusal = a.Events.NextAsync<AttestedLinkRefused>();
        while (!refusal.IsCompleted)
        {
            b.Select(a, "recorder").Tell(new ErrorInfo { Code = "after" });
            await Task.WhenAny(refusal, Task.Delay(Interval));
        }
        var refused = await refusal;
        Assert.That(refused.Reason, Does.Contain(nameof(AttestationError.MeasurementMismatch)));
        var recorded = await AttestedLinkTests.WaitForAsync(a, _ => true);
        Assert.That(recorded.Messages, Is.EqualTo(new object[] { new ErrorInfo { Code = "before" } }));
        Assert.That(a.System.WhenTerminated.IsCompleted, Is.False);
    }
}
