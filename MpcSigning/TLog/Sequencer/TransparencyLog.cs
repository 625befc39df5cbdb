using MpcSigning.TLog.Checkpoints;
using MpcSigning.TLog.Merkle;
using MpcSigning.TLog.Storage;

namespace MpcSigning.TLog.Sequencer;

/// <summary>
/// The log over any <see cref="ILogStore"/>: one writer thread sequences appends in batches (group commit: one
/// transaction and one fsync per batch), and no caller gets a receipt (or a refusal) before its batch is
/// durable; receipts are signed during the batch's fsync and dropped unseen if the commit fails. Every
/// complete interior node is kept in memory (rebuilt from the stored tiles at start), so roots and proofs
/// are O(log n) lookups.
/// </summary>
public partial class TransparencyLog : ITransparencyLog, IAsyncDisposable
{
    private readonly ILogStore _store;
    private readonly LogKey _key;
    private readonly TLogOptions _options;
    private readonly TimeProvider _clock;
    private readonly HashLevels _levels = new();
    private readonly AppendQueue<Pending> _queue = new();
    private readonly TaskCompletionSource _writerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Published _published;

    public LogIdentity Identity { get; }

    /// <summary>The newest durable tree: size, root, signed checkpoint and right edge, swapped atomically per batch.</summary>
    private sealed record Published(long Size, byte[] Root, string Checkpoint, RightEdge? Edge);

    protected TransparencyLog(ILogStore store, LogKey key, TLogOptions options, TimeProvider? clock)
    {
        _store = store;
        _key = key;
        _options = Validate(options);
        _clock = clock ?? TimeProvider.System;
        Identity = new LogIdentity(options.Origin, options.KeyName, options.BaseUrl, key.PublicKey, key.SubjectPublicKeyInfo, key.LogId);
        _store.Initialize();
        _published = Recover();
        new Thread(WriteLoop) { IsBackground = true, Name = "tlog-writer" }.Start();
    }

    private static TLogOptions Validate(TLogOptions o)
    {
        if (!NoteKey.IsValidName(o.KeyName))
            throw new TLogException(TLogErrorCode.InvalidOptions, $"log key name '{o.KeyName}' must be non-empty without spaces or '+'.");
        if (!o.BaseUrl.Contains(o.KeyName, StringComparison.Ordinal))
            throw new TLogException(TLogErrorCode.InvalidOptions,
                $"log key name '{o.KeyName}' must be a substring of the base URL '{o.BaseUrl}' (Sigstore verifiers match them); change one of them.");
        if (string.IsNullOrWhiteSpace(o.Origin) || o.Origin.Contains('\n'))
            throw new TLogException(TLogErrorCode.InvalidOptions, "log origin must be one non-empty line.");
        if (o.MaxBatch < 1) throw new TLogException(TLogErrorCode.InvalidOptions, "MaxBatch must be at least 1.");
        return o;
    }

    /// <summary>Rebuilds the in-memory tree from level-0 tiles and checks it against the newest signed checkpoint.</summary>
    private Published Recover()
    {
        foreach (var tile in _store.ReadTiles(0))
            for (var i = 0; i < tile.Length; i += Rfc9162.HashSize)
                _levels.AppendLeafHash(tile.AsSpan(i, Rfc9162.HashSize));
        var latest = _store.LatestCheckpoint();
        var size = latest?.Size ?? 0;
        if (_levels.Size != size || _store.CountEntries() != size)
            throw new TLogException(TLogErrorCode.CorruptStore,
                $"tiles hold {_levels.Size} leaves and the newest checkpoint says {size}; the tlog_* tables were changed outside mpcsign. Restore from backup.");
        var edge = size == 0 ? null : RightEdge.Compute(_levels, size);
        var root = edge?.Root ?? Rfc9162.EmptyRoot();
        if (latest is { } l)
        {
            var cp = CheckpointSigner.Verify(l.Checkpoint, _key.PublicKey, _options.KeyName, out _, out var error);
            if (cp is null || cp.Size != size || !root.AsSpan().SequenceEqual(cp.RootHash))
                throw new TLogException(TLogErrorCode.CorruptStore,
                    $"the stored tree of size {size} does not match its signed checkpoint ({(cp is null ? error : "root differs")}); restore from backup or check the key file.");
            return new Published(size, root, l.Checkpoint, edge);
        }
        return new Published(0, root, CheckpointSigner.Sign(new Checkpoint(_options.Origin, 0, root), _key, _options.KeyName), null);
    }

    public Task<LogEntry?> GetAsync(long index, CancellationToken ct = default) => Task.Run(() => _store.Get(index), ct);

    public Task<IReadOnlyList<LogEntry>> FindByArtifactDigestAsync(string artifactDigestHex, CancellationToken ct = default) =>
        Task.Run(() => _store.FindByArtifactDigest(artifactDigestHex), ct);

    public Task<string> LatestCheckpointAsync(CancellationToken ct = default) => Task.FromResult(Volatile.Read(ref _published).Checkpoint);

    public Task<InclusionProof> ProveInclusionAsync(long index, long treeSize, CancellationToken ct = default) =>
        Task.FromResult(ProveInclusion(index, treeSize));

    public Task<ConsistencyProof> ProveConsistencyAsync(long fromSize, long toSize, CancellationToken ct = default) =>
        Task.FromResult(ProveConsistency(fromSize, toSize));

    /// <summary>Synchronous form for hot paths and benchmarks.</summary>
    public InclusionProof ProveInclusion(long index, long treeSize)
    {
        var tree = Volatile.Read(ref _published);
        var size = tree.Size;
        if (treeSize < 1 || treeSize > size || index < 0 || index >= treeSize)
            throw new TLogException(TLogErrorCode.InvalidArgument, $"no entry {index} in a tree of size {treeSize} (the log has {size}); want 0 <= index < size <= {size}.");
        var edge = treeSize == size ? tree.Edge : null;
        return new InclusionProof(index, treeSize, edge?.Root ?? ProofBuilder.Root(_levels, treeSize), ProofBuilder.Inclusion(_levels, index, treeSize, edge));
    }

    public ConsistencyProof ProveConsistency(long fromSize, long toSize)
    {
        var tree = Volatile.Read(ref _published);
        var size = tree.Size;
        if (fromSize < 1 || toSize < fromSize || toSize > size)
            throw new TLogException(TLogErrorCode.InvalidArgument, $"cannot prove {fromSize} -> {toSize} (the log has {size}); want 1 <= from <= to <= {size}.");
        var edge = toSize == size ? tree.Edge : null;
        return new ConsistencyProof(fromSize, toSize, ProofBuilder.Root(_levels, fromSize), edge?.Root ?? ProofBuilder.Root(_levels, toSize),
            ProofBuilder.Consistency(_levels, fromSize, toSize, edge));
    }

    /// <summary>Size of the newest durable tree.</summary>
    public long Size => Volatile.Read(ref _published).Size;

    public async ValueTask DisposeAsync()
    {
        _queue.Close();
        await _writerDone.Task.ConfigureAwait(false);
        // Callers of the last batches may still be signing their receipts with the log key: wait for them
        // before the key's guarded memory is freed. All their batches are done, so this ends promptly.
        while (_queue.Active > 0) await Task.Delay(1).ConfigureAwait(false);
        _store.Dispose();
        _key.Dispose();
        GC.SuppressFinalize(this);
    }
}
