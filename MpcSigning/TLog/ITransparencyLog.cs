namespace MpcSigning.TLog;

/// <summary>
/// The transparency log: an append-only RFC 9162 Merkle tree of Rekor dsse v0.0.1 bodies with signed
/// checkpoints. An append completes only once its batch is durable; indices never change afterwards.
/// </summary>
public interface ITransparencyLog
{
    /// <summary>The log's identity: what verifiers and the trusted root need.</summary>
    LogIdentity Identity { get; }

    /// <summary>Appends durably and returns the receipt. A session already logged with the same body gets its
    /// existing receipt (no second entry per session); with a different body it fails with SessionAlreadyLogged.</summary>
    Task<LogReceipt> AppendAsync(LogAppend entry, CancellationToken ct);

    Task<LogEntry?> GetAsync(long index, CancellationToken ct = default);

    /// <summary>Every entry logged for this artifact digest (lower-case hex), oldest first, newest last.</summary>
    Task<IReadOnlyList<LogEntry>> FindByArtifactDigestAsync(string artifactDigestHex, CancellationToken ct = default);

    /// <summary>The newest signed checkpoint (signed-note text).</summary>
    Task<string> LatestCheckpointAsync(CancellationToken ct = default);

    /// <summary>Inclusion proof of entry <paramref name="index"/> in the tree of size <paramref name="treeSize"/>.</summary>
    Task<InclusionProof> ProveInclusionAsync(long index, long treeSize, CancellationToken ct = default);

    /// <summary>Consistency proof from tree size <paramref name="fromSize"/> to <paramref name="toSize"/>.</summary>
    Task<ConsistencyProof> ProveConsistencyAsync(long fromSize, long toSize, CancellationToken ct = default);
}

/// <param name="CanonicalBody">The Rekor dsse v0.0.1 body (<see cref="Rekor.RekorDsseBody.Create"/>); the leaf.</param>
/// <param name="ArtifactDigestHex">Lookup key for <c>verify --artifact-digest</c>; lower-case hex SHA-256.</param>
/// <param name="SessionId">The signing session; one entry per session.</param>
/// <param name="Attachment">The full bundle JSON, stored beside the entry; not part of the leaf.</param>
public sealed record LogAppend(byte[] CanonicalBody, string ArtifactDigestHex, string SessionId, byte[] Attachment)
{
    /// <summary>
    /// Unix seconds after which the entry is not integrated (refused with <see cref="TLogErrorCode.DeadlinePassed"/>
    /// unless its session is already logged); null: no deadline. The coordinator passes the session certificate's
    /// notAfter, so an entry never lands outside its certificate's validity, and a session that ends failed once the
    /// log refused it stays unlogged.
    /// </summary>
    public long? IntegrateBefore { get; init; }
}

/// <summary>Everything a Sigstore bundle's tlogEntries[] element needs (see <see cref="Rekor.TlogEntryJson"/>).</summary>
public sealed record LogReceipt(long LogIndex, long IntegratedTime, byte[] LogId, byte[] SignedEntryTimestamp,
    InclusionProof InclusionProof, string SignedCheckpoint);

/// <summary>RFC 9162 inclusion proof: audit path of <paramref name="LogIndex"/> in a tree of <paramref name="TreeSize"/>.</summary>
public sealed record InclusionProof(long LogIndex, long TreeSize, byte[] RootHash, IReadOnlyList<byte[]> Hashes);

/// <summary>RFC 9162 consistency proof between two tree sizes, with both roots.</summary>
public sealed record ConsistencyProof(long FromSize, long ToSize, byte[] FromRoot, byte[] ToRoot, IReadOnlyList<byte[]> Hashes);

/// <summary>One stored entry.</summary>
public sealed record LogEntry(long LogIndex, long IntegratedTime, byte[] CanonicalBody, string ArtifactDigestHex,
    string SessionId, byte[] Attachment);

/// <param name="PublicKey">Raw 32-byte Ed25519 key.</param>
/// <param name="SubjectPublicKeyInfo">The key's SPKI DER (the trusted root's rawBytes).</param>
/// <param name="LogId">SHA-256 of the SPKI DER (Rekor log ID; bundle logId.keyId).</param>
public sealed record LogIdentity(string Origin, string KeyName, string BaseUrl, byte[] PublicKey,
    byte[] SubjectPublicKeyInfo, byte[] LogId);

/// <summary>
/// Log configuration. The key name must be a substring of the base URL: Sigstore's verifiers match a
/// checkpoint signature's name against the trusted log's baseUrl.
/// </summary>
public sealed record TLogOptions
{
    public string Origin { get; init; } = "mpcsign.local/log";
    public string KeyName { get; init; } = "mpcsign.local/log";
    public string BaseUrl { get; init; } = "https://mpcsign.local/log";
    public string KeyFileName { get; init; } = "tlog-ed25519.key";
    /// <summary>Seals the log key (as KeyFileName + ".sealed"; every node passes its sealer); null keeps the plain seed file.</summary>
    public Sealing.KeySealer? Sealer { get; init; }
    /// <summary>Most appends that share one transaction and one fsync.</summary>
    public int MaxBatch { get; init; } = 4096;
}

/// <summary>Every way the log can refuse or fail, with a stable code for the wire and CLI.</summary>
public enum TLogErrorCode
{
    InvalidArgument,
    NotFound,
    SessionAlreadyLogged,
    StorageFailure,
    CorruptStore,
    InvalidKeyFile,
    InvalidOptions,
    BodyMismatch,
    InvalidSignedEntryTimestamp,
    InvalidInclusionProof,
    InvalidCheckpoint,
    InvalidCheckpointSignature,
    InvalidConsistencyProof,
    UnknownLog,
    MalformedEntry,
    DeadlinePassed,
}

/// <summary>An operational log failure: the code, and a message saying what, where and how to fix it.</summary>
public sealed class TLogException(TLogErrorCode code, string message, Exception? inner = null) : Exception(message, inner)
{
    public TLogErrorCode Code { get; } = code;
}
