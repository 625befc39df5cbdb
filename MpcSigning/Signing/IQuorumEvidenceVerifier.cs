using MpcSigning.Proto.Signing;

namespace MpcSigning.Signing;

/// <summary>What every signer runs before it takes part: are these approvals real, and do they meet the rule?</summary>
public interface IQuorumEvidenceVerifier
{
    /// <summary>Null when convinced; otherwise why not, in one line. Throws only when the registry cannot be reached.</summary>
    Task<string?> CheckAsync(QuorumEvidence evidence, CancellationToken ct);
}
