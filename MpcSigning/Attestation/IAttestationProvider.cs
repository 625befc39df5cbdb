namespace MpcSigning.Attestation;

/// <summary>
/// The attestation module's contract. A provider turns 64 bytes of caller data into signed evidence; the
/// verifier (<see cref="Verification.AttestationVerifier"/>) turns evidence into a verdict. Providers:
/// configfs-tsm, /dev/sev-guest ioctls, simulated; chosen by <see cref="AttestationProviders.Create"/>.
/// </summary>
public interface IAttestationProvider
{
    /// <summary>"configfs", "ioctl" or "simulated".</summary>
    string Kind { get; }

    /// <summary>Asks for a report whose REPORT_DATA is <paramref name="reportData"/> (exactly 64 bytes).</summary>
    /// <exception cref="AttestationException">The device or firmware failed; the message says why.</exception>
    Task<AttestationEvidence> GetEvidenceAsync(ReadOnlyMemory<byte> reportData, CancellationToken ct);
}

/// <summary>
/// The certificates that accompany a report. <see cref="SigningKey"/> is the VCEK or VLEK (DER).
/// <see cref="Intermediate"/> (ASK or ASVK) and <see cref="Root"/> (ARK) are optional: for AMD products the
/// verifier uses the roots shipped with the binary; a root that arrives here is used only when its
/// fingerprint is pinned (AMD's, or the policy's explicitly trusted simulated root).
/// </summary>
public sealed record AttestationCertificates(byte[] SigningKey, byte[]? Intermediate = null, byte[]? Root = null);

/// <summary>A raw 0x4A0-byte ATTESTATION_REPORT plus the certificates to verify it.</summary>
public sealed record AttestationEvidence(string ProviderKind, byte[] Report, AttestationCertificates Certificates);
