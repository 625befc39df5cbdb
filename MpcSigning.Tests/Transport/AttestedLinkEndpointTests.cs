using System.Buffers;
using System.Collections.Concurrent;
using MpcSigning.Tests.Transport.Support;
using MpcSigning.Transport;
using MpcSigning.Transport.Handshake;

namespace MpcSigning.Tests.Transport;

/// <summary>The link below Akka: two endpoints in one process on 127.0.0.1.</summary>
[NonParallelizable]
public class AttestedLinkEndpointTests
{
    private sealed class Receiver : ILinkReceiver
    {
        public ConcurrentQueue<byte[]> Payloads { get; } = new();

        public TaskCompletionSource<string> Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnPayload(ReadOnlySequence<byte> payload) => Payloads.Enqueue(payload.ToArray());

        public void OnClosed(string reason) => Closed.TrySetResult(reason);
    }

    private sealed class Events : ILinkEvents
    {
        public TaskCompletionSource<AttestedLink> LinkClosed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public ConcurrentQueue<LinkRefusedException> Refusals { get; } = new();

        public void Established(AttestedLink link) { }
        public void Refused(bool inbound, string remoteEndpoint, string? dialed, LinkRefusedException refusal) => Refusals.Enqueue(refusal);
        public void Reattested(AttestedLink link) { }
        public void ReattestFailed(AttestedLink link, LinkRefusedException refusal) { }
        public void Closed(AttestedLink link, string reason) => LinkClosed.TrySetResult(link);
    }

    internal static (AttestedLinkEndpoint Endpoint, System.Net.IPEndPoint Bound) Endpoint(LinkWorld world, string name, ILinkEvents events,
        Func<AttestedLink, Task>? onInbound = null)
    {
        var setup = new AttestedLinkSetup(world.Issue(name), name, ["signer"], world.Provider, world.Policy);
        var ctx = new LinkContext(setup, new LinkOptions());
        var endpoint = new AttestedLinkEndpoint(ctx, events);
        var bound = endpoint.Listen("127.0.0.1", 0);
        ctx.Self = new LinkIdentity(name, ["signer"], $"akka.tcp://mpcsign@127.0.0.1:{bound.Port}");
        endpoint.StartAccepting(onInbound ?? (_ => Task.CompletedTask));
        return (endpoint, bound);
    }

    [Test, CancelAfter(60_000)]
    public async Task FramesSentBeforeTheReceiverIsRegistered_AreAllDeliveredInOrder()
    {
        await using var world = new LinkWorld();
        var inbound = new TaskCompletionSource<AttestedLink>(TaskCreationOptions.RunContinuationsAsynchronously);
        var serverEvents = new Events();
        var (server, bound) = Endpoint(world, "server", serverEvents, link =>
        {
            inbound.TrySetResult(link);
            return Task.CompletedTask;
        });
        var clientEvents = new Events();
        var (client, _) = Endpoint(world, "client", clientEvents);
        await using var s = server;
        await using var c = client;

        var link = await client.ConnectAsync("127.0.0.1", bound.Port, $"akka.tcp://mpcsign@127.0.0.1:{bound.Port}");
        for (var i = 0; i < 500; i++) Assert.That(link.TryWrite(BitConverter.GetBytes(i)), Is.True);
        // A graceful close sends every queued frame before closing: all 500 are on their way before anyone reads them.
        link.Close("test done", graceful: true);
        await clientEvents.LinkClosed.Task;
        var accepted = await inbound.Task;

        var receiver = new Receiver();
        accepted.Start(receiver);
        await receiver.Closed.Task;

        Assert.That(receiver.Payloads.Select(p => BitConverter.ToInt32(p)), Is.EqualTo(Enumerable.Range(0, 500)));
        Assert.That(serverEvents.Refusals, Is.Empty);
    }
}
