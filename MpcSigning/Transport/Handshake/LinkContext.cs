using MpcSigning.Attestation;
using MpcSigning.Attestation.Verification;
using MpcSigning.Transport.Tls;

namespace MpcSigning.Transport.Handshake;

/// <summary>What this node brings to every handshake: its TLS identity, who it is, its evidence, and how it judges peers.</summary>
internal sealed class LinkContext(AttestedLinkSetup setup, LinkOptions options)
{
    /// <summary>One evidence request at a time: the guest device serves requests one by one anyway.</summary>
    private readonly SemaphoreSlim _providerGate = new(1, 1);

    public AttestedLinkSetup Setup { get; } = setup;

    public LinkOptions Options { get; } = options;

    public LinkTlsIdentity Tls => Setup.Tls;

    public TimeProvider Clock => Setup.Clock;

    /// <summary>Known only once the transport listens (the address carries the bound port).</summary>
    public LinkIdentity Self { get; set; } = new(setup.NodeName, setup.Roles, "");

    public VerifiedChainCache ChainCache { get; } = new();

    public async Task<AttestationEvidence> EvidenceAsync(byte[] reportData, CancellationToken ct)
    {
        await _providerGate.WaitAsync(ct);
        try
        {
            return await Setup.Provider.GetEvidenceAsync(reportData, ct);
        }
        catch (AttestationException e)
        {
            throw new LinkRefusedException(LinkError.OwnEvidenceFailed, "this node could not produce its attestation report: " + e.Message, e);
        }
        finally
        {
            _providerGate.Release();
        }
    }

    /// <summary>Verifies the peer's evidence against the REPORT_DATA this connection requires; returns SHA-256 (hex) of the report.</summary>
    public string Verify(Proto.Attestation.AttestationEvidence? message, byte[] expectedReportData, string what)
    {
        if (message is null || message.Report.IsEmpty || message.SigningCertificate.IsEmpty)
            throw new LinkRefusedException(LinkError.ProtocolViolation, $"the peer's {what} carries no report or no signing certificate");
        var evidence = EvidenceMessages.FromProto(message);
        var verdict = AttestationVerifier.Verify(evidence.Report, evidence.Certificates, Setup.Policy, expectedReportData, Clock.GetUtcNow(), ChainCache);
        if (!verdict.Ok)
            throw new LinkRefusedException(LinkError.AttestationFailed, $"the peer's {what} does not verify ({verdict.Code}): {verdict.Message}");
        return Convert.ToHexStringLower(Crypto.Hashes.Sha256(evidence.Report));
    }

    /// <summary>The deployment's own rule on who may link, after attestation succeeded.</summary>
    public void Accept(LinkIdentity peer)
    {
        if (Setup.AcceptPeer?.Invoke(peer) is { } refusal)
            throw new LinkRefusedException(LinkError.PeerNotAccepted, $"the peer {peer} is not accepted: {refusal}");
    }
}
