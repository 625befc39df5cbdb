namespace MpcSigning.TLog.Merkle;

/// <summary>
/// Builds roots and proofs (RFC 9162 sections 2.1.1, 2.1.3.1, 2.1.4.1) from stored complete nodes, so a root
/// or proof costs O(log n) node reads and hashes, never a rehash of the leaves. Given the <see cref="RightEdge"/>
/// of the tree size, a proof is node reads only.
/// </summary>
public static class ProofBuilder
{
    /// <summary>MTH(D[0:size]); the empty-tree hash for size 0.</summary>
    public static byte[] Root(INodeSource nodes, long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (size == 0) return Rfc9162.EmptyRoot();
        var h = new byte[Rfc9162.HashSize];
        RangeHash(new Source(nodes, null), 0, size, h);
        return h;
    }

    /// <summary>PATH(index, D[0:size]) of RFC 9162 section 2.1.3.1, lowest level first.</summary>
    public static List<byte[]> Inclusion(INodeSource nodes, long index, long size, RightEdge? edge = null)
    {
        if (index < 0 || index >= size)
            throw new ArgumentOutOfRangeException(nameof(index), $"index {index} is outside a tree of size {size}");
        // A path has at most ceil(log2(size)) hashes.
        var proof = new List<byte[]>(64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(size - 1)));
        Path(new Source(nodes, edge), index, 0, size, proof);
        return proof;
    }

    /// <summary>PROOF(size1, D[0:size2]) of RFC 9162 section 2.1.4.1; empty when the sizes are equal.</summary>
    public static List<byte[]> Consistency(INodeSource nodes, long size1, long size2, RightEdge? edge = null)
    {
        if (size1 <= 0 || size2 < size1)
            throw new ArgumentOutOfRangeException(nameof(size1), $"sizes {size1} -> {size2}; want 0 < size1 <= size2");
        var proof = new List<byte[]>(64);
        if (size1 < size2) SubProof(new Source(nodes, edge), size1, 0, size2, true, proof);
        return proof;
    }

    private static void Path(Source nodes, long m, long start, long n, List<byte[]> proof)
    {
        if (n == 1) return;
        var k = Rfc9162.SplitPoint(n);
        if (m < k)
        {
            Path(nodes, m, start, k, proof);
            proof.Add(Range(nodes, start + k, start + n));
        }
        else
        {
            Path(nodes, m - k, start + k, n - k, proof);
            proof.Add(Range(nodes, start, start + k));
        }
    }

    private static void SubProof(Source nodes, long m, long start, long n, bool whole, List<byte[]> proof)
    {
        if (m == n)
        {
            // The old tree's own subtree: omitted when the verifier already holds it as the old root.
            if (!whole) proof.Add(Range(nodes, start, start + n));
            return;
        }
        var k = Rfc9162.SplitPoint(n);
        if (m <= k)
        {
            SubProof(nodes, m, start, k, whole, proof);
            proof.Add(Range(nodes, start + k, start + n));
        }
        else
        {
            SubProof(nodes, m - k, start + k, n - k, false, proof);
            proof.Add(Range(nodes, start, start + k));
        }
    }

    private static byte[] Range(Source nodes, long start, long end)
    {
        var h = new byte[Rfc9162.HashSize];
        RangeHash(nodes, start, end, h);
        return h;
    }

    /// <summary>MTH(D[start:end]) where start is aligned to the largest power of two below end - start (always
    /// true inside the RFC recursion): a perfect range is one stored node, anything else splits at k.</summary>
    private static void RangeHash(Source nodes, long start, long end, Span<byte> destination)
    {
        var n = end - start;
        if ((n & (n - 1)) == 0)
        {
            var level = System.Numerics.BitOperations.TrailingZeroCount(n);
            nodes.Nodes.ReadNode(level, start >> level, destination);
            return;
        }
        if (nodes.Edge is { } edge && edge.TryRead(start, end, destination)) return;
        var k = Rfc9162.SplitPoint(n);
        Span<byte> left = stackalloc byte[Rfc9162.HashSize];
        Span<byte> right = stackalloc byte[Rfc9162.HashSize];
        RangeHash(nodes, start, start + k, left);
        RangeHash(nodes, start + k, end, right);
        Rfc9162.HashChildren(left, right, destination);
    }

    /// <summary>The stored nodes, and the right edge of the tree being proved when the caller has it.</summary>
    private readonly record struct Source(INodeSource Nodes, RightEdge? Edge);
}
