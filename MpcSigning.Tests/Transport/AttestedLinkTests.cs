using Akka.Actor;
using MpcSigning.Proto.Common;
using MpcSigning.Tests.Transport.Support;
using MpcSigning.Transport;

namespace MpcSigning.Tests.Transport;

/// <summary>Two actor systems in one process over attested links on 127.0.0.1: what honest nodes see.</summary>
[NonParallelizable]
public class AttestedLinkTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static ErrorInfo Message(string code) => new() { Code = code, Message = "over an attested link" };

    [Test, CancelAfter(60_000)]
    public async Task Link_ProtoMessages_FlowBothWaysAfterAttestation()
    {
        await using var world = new LinkWorld();
        var a = world.Start("node-a", ["coordinator"]);
        var b = world.Start("node-b", ["signer"]);

        var fromA = await a.Select(b, "echo").Ask<ErrorInfo>(Message("a-to-b"), Wait);
        var fromB = await b.Select(a, "echo").Ask<ErrorInfo>(Message("b-to-a"), Wait);

        Assert.That(fromA.Code, Is.EqualTo("a-to-b"));
        Assert.That(fromB.Code, Is.EqualTo("b-to-a"));
        var established = await a.Events.NextAsync<AttestedLinkEstablished>();
        Assert.That(established.Identity.NodeName, Is.EqualTo("node-b"));
        Assert.That(established.Identity.Roles, Is.EqualTo(new[] { "signer" }));
        Assert.That(a.Links.PeerAt(b.Address)?.NodeName, Is.EqualTo("node-b"));
    }

    [Test, CancelAfter(60_000)]
    public async Task Link_Digest_IsSha256OfThePeersVerifiedReport()
    {
        await using var world = new LinkWorld();
        var bProvider = new SwitchableProvider(world.Provider);
        var a = world.Start("node-a");
        var b = world.Start("node-b", provider: bProvider);

        await a.Select(b, "echo").Ask<ErrorInfo>(Message("digest"), Wait);

        var digest = a.Links.DigestOf(b.Address);
        Assert.That(digest, Does.Match("^[0-9a-f]{64}$"));
        Assert.That(bProvider.ReportDigests, Does.Contain(digest));
        Assert.That(a.Links.DigestOf(new Address("akka.tcp", "mpcsign", "127.0.0.1", 1)), Is.Null);
    }

    /// <summary>Akka keeps the order of messages between two actors: had the record crossed, it would come first.</summary>
    [Test, CancelAfter(60_000)]
    public async Task Link_NonProtoObjects_AreRefusedBySerializerAndNeverDelivered()
    {
        await using var world = new LinkWorld();
        var a = world.Start("node-a");
        var b = world.Start("node-b");
        await a.Select(b, "echo").Ask<ErrorInfo>(Message("warm-up"), Wait);
        var recorder = a.Select(b, "recorder");

        recorder.Tell(new NotProto("a plain C# record"));
        recorder.Tell(new byte[] { 1, 2, 3 });
        recorder.Tell(Message("after"));

        var recorded = await WaitForAsync(b, r => r.Messages.Length > 0);
        Assert.That(recorded.Messages, Has.Length.EqualTo(1));
        Assert.That(recorded.Messages[0], Is.EqualTo(Message("after")));
    }

    public sealed record NotProto(string Text);

    internal static async Task<LinkWorld.Recorded> WaitForAsync(LinkWorld.Node node, Func<LinkWorld.Recorded, bool> done)
    {
        var recorder = node.System.ActorSelection("/user/recorder");
        using var cts = new CancellationTokenSource(Wait);
        while (true)
        {
            var r = await recorder.Ask<LinkWorld.Recorded>(new LinkWorld.GetRecorded(), Wait);
            if (done(r)) return r;
            await Task.Delay(50, cts.Token);
        }
    }
}
