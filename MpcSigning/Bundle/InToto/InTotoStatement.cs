namespace MpcSigning.Bundle.InToto;

/// <summary>A Statement subject: the artifact's name and its SHA-256 (in-toto ResourceDescriptor with a DigestSet).</summary>
public sealed record InTotoSubject(string Name, byte[] Sha256);

/// <summary>
/// An in-toto Statement v1 (github.com/in-toto/attestation spec/v1/statement.md) carrying the
/// <see cref="QuorumApprovalPredicate"/>: the DSSE payload mpcsign signs.
/// </summary>
public sealed partial record InTotoStatement
{
    public const string StatementType = "https://in-toto.io/Statement/v1";

    public required IReadOnlyList<InTotoSubject> Subject { get; init; }
    public string PredicateType => QuorumApprovalPredicate.Type;
    public required QuorumApprovalPredicate Predicate { get; init; }

    /// <summary>The Statement for one artifact: one subject whose digest is the predicate's artifact digest.</summary>
    public static InTotoStatement ForArtifact(string artifactName, QuorumApprovalPredicate predicate)
    {
        ArgumentException.ThrowIfNullOrEmpty(artifactName);
        ArgumentNullException.ThrowIfNull(predicate);
        if (predicate.ArtifactDigest is not { Length: 32 })
            throw new ArgumentException("artifact digest must be a 32-byte SHA-256", nameof(predicate));
        return new InTotoStatement { Subject = [new InTotoSubject(artifactName, predicate.ArtifactDigest)], Predicate = predicate };
    }
}
