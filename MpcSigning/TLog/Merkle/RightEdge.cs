namespace MpcSigning.TLog.Merkle;

/// <summary>
/// The hashes of the imperfect subtrees of one tree size N: MTH(D[s:N]) for every s down the right spine.
/// In the RFC 9162 section 2.1 recursions (roots, PATH, PROOF) every left child is a perfect subtree, and so is
/// every right child of a perfect subtree, so the only ranges that are not one stored node are these suffixes
/// (fewer than 64). Computed once per published size, they turn every proof in that tree into node reads.
/// </summary>
public sealed class RightEdge
{
    private readonly long[] _starts;
    private readonly byte[] _hashes;

    /// <summary>The tree size these suffixes end at.</summary>
    public long Size { get; }

    /// <summary>MTH(D[0:Size]).</summary>
    public byte[] Root { get; }

    private RightEdge(long size, long[] starts, byte[] hashes, byte[] root)
    {
        Size = size;
        _starts = starts;
        _hashes = hashes;
        Root = root;
    }

    /// <summary>Hashes the right spine of the tree of <paramref name="size"/> leaves (size &gt; 0): one hash per imperfect suffix.</summary>
    public static RightEdge Compute(INodeSource nodes, long size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var starts = new List<long>();
        for (long s = 0; !IsPerfect(size - s); s += Rfc9162.SplitPoint(size - s)) starts.Add(s);
        var hashes = new byte[starts.Count * Rfc9162.HashSize];
        Span<byte> left = stackalloc byte[Rfc9162.HashSize];
        Span<byte> right = stackalloc byte[Rfc9162.HashSize];
        // From the innermost suffix outwards: D[s:N] = HashChildren(perfect D[s:s+k], D[s+k:N]).
        for (var j = starts.Count - 1; j >= 0; j--)
        {
            var s = starts[j];
            var k = Rfc9162.SplitPoint(size - s);
            ReadPerfect(nodes, s, k, left);
            if (j == starts.Count - 1) ReadPerfect(nodes, s + k, size - s - k, right);
            else hashes.AsSpan((j + 1) * Rfc9162.HashSize, Rfc9162.HashSize).CopyTo(right);
            Rfc9162.HashChildren(left, right, hashes.AsSpan(j * Rfc9162.HashSize, Rfc9162.HashSize));
        }
        var root = new byte[Rfc9162.HashSize];
        if (starts.Count == 0) ReadPerfect(nodes, 0, size, root);
        else hashes.AsSpan(0, Rfc9162.HashSize).CopyTo(root);
        return new RightEdge(size, [.. starts], hashes, root);
    }

    /// <summary>Copies MTH(D[start:end]) when it is one of these suffixes; false for any other range.</summary>
    public bool TryRead(long start, long end, Span<byte> destination)
    {
        if (end != Size) return false;
        var j = Array.BinarySearch(_starts, start);
        if (j < 0) return false;
        _hashes.AsSpan(j * Rfc9162.HashSize, Rfc9162.HashSize).CopyTo(destination);
        return true;
    }

    private static bool IsPerfect(long n) => (n & (n - 1)) == 0;

    private static void ReadPerfect(INodeSource nodes, long start, long count, Span<byte> destination)
    {
        var level = System.Numerics.BitOperations.TrailingZeroCount(count);
        nodes.ReadNode(level, start >> level, destination);
    }
}
