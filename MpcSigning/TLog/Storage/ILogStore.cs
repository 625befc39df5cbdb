namespace MpcSigning.TLog.Storage;

/// <summary>A new entry of a batch, with the sequence number it was given.</summary>
public sealed record SequencedEntry(long Index, long IntegratedTime, LogAppend Entry);

/// <summary>One tile (C2SP tlog-tiles): up to 256 consecutive hashes of tree level 8 * TileLevel.</summary>
public sealed record TileWrite(int TileLevel, long TileIndex, byte[] Hashes);

/// <summary>
/// Durable storage of the log. A batch (<see cref="BeginBatch"/>) is all-or-nothing and durable when its
/// <see cref="ILogBatch.Commit"/> returns: a crash inside it leaves the store exactly as before. Entries, once
/// committed, are never rewritten.
/// </summary>
public interface ILogStore : IDisposable
{
    /// <summary>Creates the tables if needed.</summary>
    void Initialize();

    /// <summary>Opens the write transaction of one batch. Called only by the log's single writer, one batch at a time.</summary>
    ILogBatch BeginBatch();

    /// <summary>The newest checkpoint and its size, or null for a log never written.</summary>
    (long Size, string Checkpoint)? LatestCheckpoint();

    /// <summary>Stored tiles of one tile level, in index order (each up to 256 hashes).</summary>
    IEnumerable<byte[]> ReadTiles(int tileLevel);

    long CountEntries();

    LogEntry? Get(long index);

    IReadOnlyList<LogEntry> FindByArtifactDigest(string artifactDigestHex);
}

/// <summary>
/// One group commit: entries, the tiles they touched and the checkpoint of the new size, in one transaction.
/// Disposing it without <see cref="Commit"/> rolls everything back.
/// </summary>
public interface ILogBatch : IDisposable
{
    /// <summary>
    /// Names the sessions this batch is about to add (before the first <see cref="AddUnlessLogged"/>), so a store whose
    /// every lookup is a round trip can find the logged ones with one query. Optional: a store may ignore it, and
    /// <see cref="AddUnlessLogged"/> must answer correctly for a session not named here.
    /// </summary>
    void Prepare(IReadOnlyList<string> sessionIds) { }

    /// <summary>
    /// Stages the entry at its index, unless its session is already logged (committed earlier or staged in
    /// this batch): then nothing is staged and the logged entry is returned. Lookups by session and by digest
    /// find the entry once <see cref="Commit"/> has returned; a store may hold staged rows back until Commit.
    /// </summary>
    LogEntry? AddUnlessLogged(SequencedEntry entry);

    /// <summary>Stages the tiles and the signed checkpoint, then commits; durable (fsynced) when it returns.</summary>
    void Commit(IReadOnlyList<TileWrite> tiles, long newSize, string checkpoint);
}
