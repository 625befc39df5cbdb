using Akka.Actor;
using Akka.Configuration;
using Akka.Remote.Transport;
using MpcSigning.Transport.Handshake;

namespace MpcSigning.Transport.Remote;

/// <summary>
/// Akka.Remote's transport for attested links (<c>transport-class</c> of <c>akka.remote.attested-tls</c>). Akka sees an
/// association only after the peer proved its measured code over TLS 1.3; a refused dial is a failed association (Akka
/// gates the address and retries later), a refused inbound connection is never shown to Akka at all. Nothing a peer does
/// in the handshake shuts this actor system down. Addresses keep Akka's plain <c>akka.tcp</c> scheme.
/// </summary>
public sealed class AttestedTransport : global::Akka.Remote.Transport.Transport
{
    public const string Scheme = "tcp";

    private readonly LinkContext _ctx;
    private readonly AttestedLinkEndpoint _endpoint;
    private readonly TaskCompletionSource<IAssociationEventListener> _associationListener = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Address? _localAddress;

    /// <summary>Called by Akka.Remote (reflection: <c>(ActorSystem, Config)</c>).</summary>
    public AttestedTransport(ActorSystem system, Config config)
    {
        System = system;
        Config = config;
        var setup = system.Settings.Setup.Get<AttestedLinkSetup>();
        if (!setup.HasValue)
            throw new ConfigurationException($"the attested-tls transport needs an {nameof(AttestedLinkSetup)} in the actor system's setup " +
                "(TLS identity, node identity, attestation provider and policy); see AttestedLinkConfig");
        var options = LinkOptions.From(config);
        _ctx = new LinkContext(setup.Value, options);
        var links = AttestedLinks.Get(system);
        _endpoint = new AttestedLinkEndpoint(_ctx, links);
        links.Attach(this);
        SchemeIdentifier = Scheme;
        MaximumPayloadBytes = options.MaximumFrameSize;
    }

    internal LinkContext Context => _ctx;

    /// <summary>The Akka-visible form of a transport address (<c>akka.tcp://system@host:port</c>), as identities carry it.</summary>
    internal static string Canonical(Address address) =>
        (address.Protocol.StartsWith("akka.", StringComparison.Ordinal) ? address : address.WithProtocol("akka." + address.Protocol)).ToString();

    public override bool IsResponsibleFor(Address remote) => true;

    public override Task<(Address, TaskCompletionSource<IAssociationEventListener>)> Listen()
    {
        var options = _ctx.Options;
        var bound = _endpoint.Listen(options.Hostname, options.Port);
        var address = new Address(Scheme, System.Name, options.PublicHostname, bound.Port);
        _localAddress = address;
        _ctx.Self = new LinkIdentity(_ctx.Setup.NodeName, _ctx.Setup.Roles, Canonical(address));
        _endpoint.StartAccepting(OnInboundAsync);
        return Task.FromResult((address, _associationListener));
    }

    private async Task OnInboundAsync(AttestedLink link)
    {
        // Akka registers its listener right after Listen returns; a link that arrives earlier waits for it.
        var listener = await _associationListener.Task;
        listener.Notify(new InboundAssociation(new AttestedAssociationHandle(link, SocketAddress(link.LocalEndPoint), SocketAddress(link.RemoteEndPoint))));
    }

    public override async Task<AssociationHandle> Associate(Address remoteAddress)
    {
        if (remoteAddress.Host is null || remoteAddress.Port is null)
            throw new InvalidAssociationException($"{remoteAddress} has no host and port to dial");
        try
        {
            var link = await _endpoint.ConnectAsync(remoteAddress.Host, remoteAddress.Port.Value, Canonical(remoteAddress));
            return new AttestedAssociationHandle(link, SocketAddress(link.LocalEndPoint), remoteAddress);
        }
        catch (LinkRefusedException e)
        {
            throw new InvalidAssociationException($"attested link to {Canonical(remoteAddress)} refused ({e.Code}): {e.Message}");
        }
    }

    private Address SocketAddress(System.Net.IPEndPoint? endpoint) =>
        endpoint is null ? _localAddress! : new Address(Scheme, System.Name, endpoint.Address.ToString(), endpoint.Port);

    public override async Task<bool> Shutdown()
    {
        await _endpoint.DisposeAsync();
        return true;
    }
}
