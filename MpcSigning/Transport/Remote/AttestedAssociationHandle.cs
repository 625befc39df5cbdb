using System.Buffers;
using Akka.Actor;
using Akka.Remote.Transport;
using Google.Protobuf;

namespace MpcSigning.Transport.Remote;

/// <summary>
/// An attested link as Akka sees it. Reading starts when Akka registers its read listener (ReadHandlerSource): frames the
/// peer sent before that wait in the link's buffer, so none is lost.
/// </summary>
internal sealed class AttestedAssociationHandle : AssociationHandle, ILinkReceiver
{
    private readonly AttestedLink _link;
    private IHandleEventListener? _listener;

    public AttestedAssociationHandle(AttestedLink link, Address localAddress, Address remoteAddress) : base(localAddress, remoteAddress)
    {
        _link = link;
        ReadHandlerSource.Task.ContinueWith(t =>
        {
            _listener = t.Result;
            link.Start(this);
        }, CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    internal AttestedLink Link => _link;

    public override bool Write(ByteString payload) => _link.TryWrite(payload.Memory);

    [Obsolete("Akka calls it; use Disassociate(reason, log).")]
    public override void Disassociate() => _link.Close("disassociated by this node", graceful: true);

    void ILinkReceiver.OnPayload(ReadOnlySequence<byte> payload) =>
        _listener!.Notify(new InboundPayload(UnsafeByteOperations.UnsafeWrap(payload.ToArray())));

    void ILinkReceiver.OnClosed(string reason) => _listener!.Notify(new Disassociated(DisassociateInfo.Unknown));
}
