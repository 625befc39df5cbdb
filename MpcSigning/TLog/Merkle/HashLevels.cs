namespace MpcSigning.TLog.Merkle;

/// <summary>
/// Every complete node of the tree, level by level, in chunked arrays (no large-object reallocation as the
/// log grows). One writer appends leaves; any number of readers may read nodes inside a size that the writer
/// has already published, because stored nodes never change once complete (the tree is append-only).
/// </summary>
public sealed class HashLevels : INodeSource
{
    private const int ChunkShift = 14; // 16384 hashes (512 KiB) per chunk
    private const int ChunkHashes = 1 << ChunkShift;
    private const int MaxLevels = 64;

    private readonly Level[] _levels = new Level[MaxLevels];

    /// <summary>Number of leaves appended (published or not).</summary>
    public long Size { get; private set; }

    public HashLevels()
    {
        for (var i = 0; i < MaxLevels; i++) _levels[i] = new Level();
    }

    /// <summary>Appends one leaf hash and every node it completes (RFC 9162: a node exists once both halves do).</summary>
    public void AppendLeafHash(ReadOnlySpan<byte> leafHash)
    {
        if (leafHash.Length != Rfc9162.HashSize) throw new ArgumentException("leaf hashes are 32 bytes", nameof(leafHash));
        var index = Size;
        _levels[0].Set(index, leafHash);
        Span<byte> h = stackalloc byte[Rfc9162.HashSize];
        leafHash.CopyTo(h);
        for (var level = 0; (index & 1) == 1; level++, index >>= 1)
        {
            Rfc9162.HashChildren(_levels[level].Get(index - 1), h, h);
            _levels[level + 1].Set(index >> 1, h);
        }
        Size++;
    }

    /// <summary>Forgets leaves past <paramref name="size"/> (a batch that failed to commit). Old nodes stay valid.</summary>
    public void Truncate(long size)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, Size);
        Size = size;
    }

    public void ReadNode(int level, long index, Span<byte> destination)
    {
        if (level < 0 || level >= MaxLevels || index < 0 || ((index + 1) << level) > Size)
            throw new ArgumentOutOfRangeException(nameof(index), $"node ({level}, {index}) is not complete in a tree of size {Size}");
        _levels[level].Get(index).CopyTo(destination);
    }

    public ReadOnlySpan<byte> Node(int level, long index)
    {
        if (level < 0 || level >= MaxLevels || index < 0 || ((index + 1) << level) > Size)
            throw new ArgumentOutOfRangeException(nameof(index), $"node ({level}, {index}) is not complete in a tree of size {Size}");
        return _levels[level].Get(index);
    }

    private sealed class Level
    {
        private byte[][] _chunks = Array.Empty<byte[]>();

        public ReadOnlySpan<byte> Get(long index) =>
            Volatile.Read(ref _chunks)[index >> ChunkShift].AsSpan((int)(index & (ChunkHashes - 1)) * Rfc9162.HashSize, Rfc9162.HashSize);

        public void Set(long index, ReadOnlySpan<byte> hash)
        {
            var chunk = (int)(index >> ChunkShift);
            var chunks = _chunks;
            if (chunk >= chunks.Length)
            {
                // Copy-on-grow: readers holding the old array still see every published node.
                var grown = new byte[Math.Max(chunk + 1, chunks.Length * 2)][];
                Array.Copy(chunks, grown, chunks.Length);
                grown[chunk] = new byte[ChunkHashes * Rfc9162.HashSize];
                Volatile.Write(ref _chunks, grown);
                chunks = grown;
            }
            else if (chunks[chunk] is null)
            {
                chunks[chunk] = new byte[ChunkHashes * Rfc9162.HashSize];
            }
            hash.CopyTo(chunks[chunk].AsSpan((int)(index & (ChunkHashes - 1)) * Rfc9162.HashSize));
        }
    }
}
