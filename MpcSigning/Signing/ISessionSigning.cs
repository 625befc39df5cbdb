using MpcSigning.Proto.Signing;

namespace MpcSigning.Signing;

/// <summary>
/// The signer interface the coordinator drives. Implementations: one ephemeral Ed25519 key in guarded memory
/// (<c>Signing/Ephemeral</c>) or FROST threshold signers (<c>Signing/Frost</c>). Either way the result is an
/// ordinary Ed25519 signature, every signer checks the quorum evidence itself, and no key outlives the session.
/// </summary>
public interface ISessionSigning
{
    /// <summary>Signers verify the evidence, then create the session key. Returns the 32-byte Ed25519 public key.</summary>
    /// <exception cref="SigningRefusedException">A signer was not convinced by the evidence.</exception>
    Task<byte[]> CreateKeyAsync(QuorumEvidence evidence, CancellationToken ct);

    /// <summary>Signs <paramref name="message"/> with the session key, which is destroyed right after.</summary>
    Task<SessionSignature> SignAsync(byte[] sessionId, byte[] message, CancellationToken ct);

    /// <summary>Zeroes whatever the signers still hold for the session; called whatever the outcome.</summary>
    void Destroy(byte[] sessionId);
}

/// <param name="Signature">64-byte Ed25519 signature.</param>
/// <param name="ThresholdEvidenceJson">The bundle's mpcsign.frost section, or empty for a single-key signer.</param>
public sealed record SessionSignature(byte[] Signature, string ThresholdEvidenceJson);

/// <summary>A signer refused to take part (evidence missing or forged). Permanent: retrying cannot help.</summary>
public sealed class SigningRefusedException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
