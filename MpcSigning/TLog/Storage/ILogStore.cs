namespace MpcSigning.TLog.Storage;

/// <summary>A new entry of a batch, with the sequence number it was given.</summary>
public sealed record SequencedEntry(long Index, long IntegratedTime, LogAppend Entry);

/// <summary>One tile (C2SP tlog-tiles): up to 256 consecutive hashes of tree level 8 * TileLevel.</summary>
public sealed record TileWrite(int TileLevel, long TileIndex, byte[] Hashes);

/// <summary>
/// Durable storage of the log. <see cref="CommitBatch"/> is all-or-nothing and durable when it returns:
/// a crash inside it leaves the store exactly as before. Entries, once committed, are never rewritten.
/// </summary>
public interface ILogStore : IDisposable
{
    /// <summary>Creates the tables if needed.</summary>
    void Initialize();

    /// <summary>Entries, tiles touched by them, and the signed checkpoint of the new size, in one transaction.</summary>
    void CommitBatch(IReadOnlyList<SequencedEntry> entries, IReadOnlyList<TileWrite> tiles, long newSize, string checkpoint);

    /// <summary>The newest checkpoint and its size, or null for a log never written.</summary>
    (long Size, string Checkpoint)? LatestCheckpoint();

    /// <summary>Stored tiles of one tile level, in index order (each up to 256 hashes).</summary>
    IEnumerable<byte[]> ReadTiles(int tileLevel);

    long CountEntries();

    LogEntry? Get(long index);

    IReadOnlyList<LogEntry> FindByArtifactDigest(string artifactDigestHex);

    /// <summary>The entry of a session, if any. Called only by the log's single writer, between batches.</summary>
    LogEntry? FindBySession(string sessionId);
}
