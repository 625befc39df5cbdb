namespace MpcSigning.Transport;

/// <summary>Every reason an attested link is refused or cut, one code per cause, so the audit trail says which check failed.</summary>
public enum LinkError
{
    None = 0,

    /// <summary>TCP connect failed (nothing listens there, or the network refused).</summary>
    ConnectFailed,

    /// <summary>The TLS handshake failed: not TLS 1.3, a protocol error, or the peer refused our certificate.</summary>
    TlsFailed,

    /// <summary>The peer presented no TLS certificate.</summary>
    NoCertificate,

    /// <summary>The peer's TLS certificate does not chain to the deployment's link CA.</summary>
    UntrustedCertificate,

    /// <summary>The TLS session exposes no channel binding: fail closed.</summary>
    NoChannelBinding,

    /// <summary>A handshake frame was malformed, out of order, unknown, or its length over the bound.</summary>
    ProtocolViolation,

    /// <summary>The peer sent a frame larger than allowed.</summary>
    FrameTooLarge,

    /// <summary>The handshake (or a re-attestation answer) did not complete within the handshake timeout.</summary>
    Timeout,

    /// <summary>The peer closed the connection mid-handshake (usually: it refused us; its audit log says why).</summary>
    PeerClosed,

    /// <summary>The peer speaks another handshake version.</summary>
    VersionMismatch,

    /// <summary>The peer's identity is malformed, or is not the node that was dialed (diversion).</summary>
    IdentityMismatch,

    /// <summary>The peer's SEV-SNP evidence does not verify (chain, TCB, policy, measurement or REPORT_DATA).</summary>
    AttestationFailed,

    /// <summary>This node could not produce its own evidence (device or provider failure).</summary>
    OwnEvidenceFailed,

    /// <summary>The deployment's peer policy refused this identity.</summary>
    PeerNotAccepted,

    /// <summary>Too many handshakes are in progress; the connection was closed at once.</summary>
    Busy,
}

/// <summary>
/// An attested link was refused or cut. <see cref="Exception.Message"/> is one line naming the check that failed, safe to
/// log (no secrets; nonces and reports are not secret).
/// </summary>
public sealed class LinkRefusedException(LinkError code, string message, Exception? inner = null) : Exception(message, inner)
{
    public LinkError Code { get; } = code;
}
