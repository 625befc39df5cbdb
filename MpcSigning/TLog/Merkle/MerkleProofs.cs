namespace MpcSigning.TLog.Merkle;

/// <summary>
/// Pure RFC 9162 proof verification: no I/O, clock or configuration. Every hash (leaf, roots, proof
/// elements) must be exactly 32 bytes; anything else is <see cref="MerkleOutcome.Malformed"/>.
/// </summary>
public static class MerkleProofs
{
    /// <summary>
    /// RFC 9162 section 2.1.3.2. Preconditions: 0 &lt;= leafIndex &lt; treeSize, and the proof has exactly the
    /// length the tree shape demands (too short or too long is malformed, not a mismatch).
    /// </summary>
    public static MerkleVerdict VerifyInclusion(long leafIndex, long treeSize, ReadOnlySpan<byte> leafHash,
        IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (treeSize <= 0 || leafIndex < 0 || leafIndex >= treeSize)
            return MerkleVerdict.Malformed($"leaf index {leafIndex} is outside a tree of size {treeSize}; want 0 <= index < size");
        var bad = CheckHashes(proof, leafHash, root, "leaf hash", "root");
        if (bad is { } b) return b;

        Span<byte> r = stackalloc byte[Rfc9162.HashSize];
        leafHash.CopyTo(r);
        ulong fn = (ulong)leafIndex, sn = (ulong)(treeSize - 1);
        for (var i = 0; i < proof.Count; i++)
        {
            if (sn == 0)
                return MerkleVerdict.Malformed($"inclusion proof has {proof.Count} hashes; the tree shape needs {i}");
            if ((fn & 1) == 1 || fn == sn)
            {
                Rfc9162.HashChildren(proof[i], r, r);
                if ((fn & 1) == 0)
                    while ((fn & 1) == 0 && fn != 0) { fn >>= 1; sn >>= 1; }
            }
            else
            {
                Rfc9162.HashChildren(r, proof[i], r);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0)
            return MerkleVerdict.Malformed($"inclusion proof has {proof.Count} hashes; the tree shape needs more");
        return Crypto.Hashes.FixedTimeEquals(r, root)
            ? MerkleVerdict.Ok
            : MerkleVerdict.Mismatch($"leaf {leafIndex} with this proof gives root {Convert.ToHexString(r)}, not {Convert.ToHexString(root)}");
    }

    /// <summary>
    /// RFC 9162 section 2.1.4.2. Preconditions: 0 &lt; size1 &lt;= size2 (a proof from the empty tree proves
    /// nothing and is refused, as transparency-dev/merkle does); equal sizes need an empty proof and equal roots.
    /// </summary>
    public static MerkleVerdict VerifyConsistency(long size1, long size2, IReadOnlyList<byte[]>? proof,
        ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2)
    {
        proof ??= Array.Empty<byte[]>();
        if (size1 <= 0 || size2 < size1)
            return MerkleVerdict.Malformed($"sizes {size1} -> {size2} are not a growing pair; want 0 < size1 <= size2");
        if (size1 == size2)
        {
            // Nothing is hashed: the claim is just "same tree", so the roots are compared as given.
            if (proof.Count != 0)
                return MerkleVerdict.Malformed($"equal sizes need an empty proof, got {proof.Count} hashes");
            return Crypto.Hashes.FixedTimeEquals(root1, root2)
                ? MerkleVerdict.Ok
                : MerkleVerdict.Mismatch($"equal sizes {size1} but different roots");
        }
        var bad = CheckHashes(proof, root1, root2, "first root", "second root");
        if (bad is { } b) return b;
        if (proof.Count == 0) return MerkleVerdict.Malformed("consistency proof is empty; sizes differ so it needs hashes");
        return ChainConsistency((ulong)size1, (ulong)size2, proof, root1, root2);
    }

    private static MerkleVerdict ChainConsistency(ulong size1, ulong size2, IReadOnlyList<byte[]> proof,
        ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2)
    {
        // Step 2: when size1 is a power of two the old root is itself a node of the new tree.
        var start = 0;
        Span<byte> fr = stackalloc byte[Rfc9162.HashSize];
        Span<byte> sr = stackalloc byte[Rfc9162.HashSize];
        if ((size1 & (size1 - 1)) == 0) root1.CopyTo(fr);
        else { proof[0].CopyTo(fr); start = 1; }
        fr.CopyTo(sr);
        ulong fn = size1 - 1, sn = size2 - 1;
        while ((fn & 1) == 1) { fn >>= 1; sn >>= 1; }
        for (var i = start; i < proof.Count; i++)
        {
            if (sn == 0)
                return MerkleVerdict.Malformed($"consistency proof has {proof.Count} hashes; the tree shapes need {i}");
            if ((fn & 1) == 1 || fn == sn)
            {
                Rfc9162.HashChildren(proof[i], fr, fr);
                Rfc9162.HashChildren(proof[i], sr, sr);
                if ((fn & 1) == 0)
                    while ((fn & 1) == 0 && fn != 0) { fn >>= 1; sn >>= 1; }
            }
            else
            {
                Rfc9162.HashChildren(sr, proof[i], sr);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) return MerkleVerdict.Malformed($"consistency proof has {proof.Count} hashes; the tree shapes need more");
        if (!Crypto.Hashes.FixedTimeEquals(fr, root1))
            return MerkleVerdict.Mismatch($"proof gives first root {Convert.ToHexString(fr)}, not {Convert.ToHexString(root1)}");
        if (!Crypto.Hashes.FixedTimeEquals(sr, root2))
            return MerkleVerdict.Mismatch($"proof gives second root {Convert.ToHexString(sr)}, not {Convert.ToHexString(root2)}");
        return MerkleVerdict.Ok;
    }

    private static MerkleVerdict? CheckHashes(IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b,
        string aName, string bName)
    {
        if (a.Length != Rfc9162.HashSize) return MerkleVerdict.Malformed($"{aName} is {a.Length} bytes; want {Rfc9162.HashSize}");
        if (b.Length != Rfc9162.HashSize) return MerkleVerdict.Malformed($"{bName} is {b.Length} bytes; want {Rfc9162.HashSize}");
        for (var i = 0; i < proof.Count; i++)
            if (proof[i] is null || proof[i].Length != Rfc9162.HashSize)
                return MerkleVerdict.Malformed($"proof hash {i} is {proof[i]?.Length ?? 0} bytes; want {Rfc9162.HashSize}");
        return null;
    }
}
