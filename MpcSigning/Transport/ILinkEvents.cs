using System.Buffers;

namespace MpcSigning.Transport;

/// <summary>Where an established link hands what it reads (the Akka association handle).</summary>
internal interface ILinkReceiver
{
    /// <summary>One Akka frame, valid only during the call.</summary>
    void OnPayload(ReadOnlySequence<byte> payload);

    /// <summary>The link closed; called once, after the last payload.</summary>
    void OnClosed(string reason);
}

/// <summary>What happens to links, for the audit trail and the EventStream (<see cref="Remote.AttestedLinks"/>).</summary>
internal interface ILinkEvents
{
    void Established(AttestedLink link);

    /// <param name="dialed">The canonical address dialed (outbound), or null (inbound).</param>
    void Refused(bool inbound, string remoteEndpoint, string? dialed, LinkRefusedException refusal);

    void Reattested(AttestedLink link);

    void ReattestFailed(AttestedLink link, LinkRefusedException refusal);

    void Closed(AttestedLink link, string reason);
}

/// <summary>No observer (benchmarks of the bare link).</summary>
internal sealed class NoLinkEvents : ILinkEvents
{
    public static readonly NoLinkEvents Instance = new();

    public void Established(AttestedLink link) { }
    public void Refused(bool inbound, string remoteEndpoint, string? dialed, LinkRefusedException refusal) { }
    public void Reattested(AttestedLink link) { }
    public void ReattestFailed(AttestedLink link, LinkRefusedException refusal) { }
    public void Closed(AttestedLink link, string reason) { }
}
