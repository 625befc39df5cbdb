namespace MpcSigning.TLog.Merkle;

/// <summary>
/// RFC 9162 section 2.1.1 Merkle Tree Hash with SHA-256. The one-byte prefixes keep a leaf from ever being
/// mistaken for an interior node (second-preimage protection, RFC 9162 section 2.1.1).
/// </summary>
public static class Rfc9162
{
    public const int HashSize = 32;
    public const byte LeafPrefix = 0x00;
    public const byte NodePrefix = 0x01;

    /// <summary>MTH({}) = SHA-256() (RFC 9162 section 2.1.1).</summary>
    public static byte[] EmptyRoot() => Crypto.Hashes.Sha256(ReadOnlySpan<byte>.Empty);

    /// <summary>MTH({d(0)}) = SHA-256(0x00 || d(0)).</summary>
    public static byte[] HashLeaf(ReadOnlySpan<byte> entry)
    {
        var h = new byte[HashSize];
        HashLeaf(entry, h);
        return h;
    }

    public static void HashLeaf(ReadOnlySpan<byte> entry, Span<byte> destination)
    {
        // Hashed once per append: larger bodies (a Rekor dsse body with its certificate is a few KB) borrow a
        // pooled buffer instead of allocating one.
        byte[]? rented = entry.Length < 1024 ? null : System.Buffers.ArrayPool<byte>.Shared.Rent(entry.Length + 1);
        try
        {
            var buf = rented is null ? stackalloc byte[entry.Length + 1] : rented.AsSpan(0, entry.Length + 1);
            buf[0] = LeafPrefix;
            entry.CopyTo(buf[1..]);
            Crypto.Hashes.Sha256(buf, destination[..HashSize]);
        }
        finally
        {
            if (rented is not null) System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>SHA-256(0x01 || left || right), the interior node of RFC 9162 section 2.1.1.</summary>
    public static byte[] HashChildren(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var h = new byte[HashSize];
        HashChildren(left, right, h);
        return h;
    }

    public static void HashChildren(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        // Children are 32-byte hashes in the tree; other lengths only appear in the upstream hash vectors.
        var len = 1 + left.Length + right.Length;
        var buf = len <= 1 + 2 * HashSize ? stackalloc byte[len] : new byte[len];
        buf[0] = NodePrefix;
        left.CopyTo(buf[1..]);
        right.CopyTo(buf[(1 + left.Length)..]);
        Crypto.Hashes.Sha256(buf, destination[..HashSize]);
    }

    /// <summary>The largest power of two strictly less than n (the split point k of RFC 9162 section 2.1.1), n &gt; 1.</summary>
    public static long SplitPoint(long n)
    {
        if (n < 2) throw new ArgumentOutOfRangeException(nameof(n), n, "the split point is defined for n >= 2");
        return 1L << (63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(n - 1)));
    }
}
