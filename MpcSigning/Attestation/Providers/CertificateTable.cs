using System.Buffers.Binary;

namespace MpcSigning.Attestation.Providers;

/// <summary>
/// The certificate table of an extended guest request (GHCB spec, "SNP Extended Guest Request", and the
/// configfs-tsm auxblob): entries of {GUID (16 bytes, RFC 4122 byte order), offset u32, length u32}, ended by
/// an all-zero entry; offsets count from the start of the table.
/// </summary>
public static class CertificateTable
{
    public static readonly Guid Vcek = new("63da758d-e664-4564-adc5-f4b93be8accd");
    public static readonly Guid Vlek = new("a8074bc2-a25a-483e-aae6-39c045a0b8a1");
    public static readonly Guid Ask = new("4ab7b379-bbac-4fe4-a02f-05aef327c782");
    public static readonly Guid Ark = new("c0b406a4-a803-4952-9743-3fb6014cd0ae");
    private const int EntrySize = 24;

    /// <summary>Parses the table; throws <see cref="AttestationException"/> naming the bad entry.</summary>
    public static IReadOnlyDictionary<Guid, byte[]> Parse(ReadOnlySpan<byte> table)
    {
        var result = new Dictionary<Guid, byte[]>();
        for (var at = 0; ; at += EntrySize)
        {
            if (at + EntrySize > table.Length)
                throw Bad($"the certificate table has no terminating zero entry within its {table.Length} bytes");
            var entry = table.Slice(at, EntrySize);
            if (entry.IndexOfAnyExcept((byte)0) < 0) return result;
            var guid = new Guid(entry[..16], bigEndian: true);
            var offset = BinaryPrimitives.ReadUInt32LittleEndian(entry[16..]);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(entry[20..]);
            if ((ulong)offset + length > (ulong)table.Length)
                throw Bad($"certificate table entry {at / EntrySize} ({guid}) points at {offset}+{length}, past the table's {table.Length} bytes");
            result[guid] = table.Slice((int)offset, (int)length).ToArray();
        }
    }

    /// <summary>Builds a table (used by tests and by the simulated side of the contract tests).</summary>
    public static byte[] Build(IReadOnlyList<(Guid Guid, byte[] Der)> entries)
    {
        var header = (entries.Count + 1) * EntrySize;
        var table = new byte[header + entries.Sum(e => e.Der.Length)];
        var offset = header;
        for (var i = 0; i < entries.Count; i++)
        {
            entries[i].Guid.TryWriteBytes(table.AsSpan(i * EntrySize, 16), bigEndian: true, out _);
            BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(i * EntrySize + 16), (uint)offset);
            BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(i * EntrySize + 20), (uint)entries[i].Der.Length);
            entries[i].Der.CopyTo(table, offset);
            offset += entries[i].Der.Length;
        }
        return table;
    }

    /// <summary>The certificates a verifier needs, from a parsed table: the VCEK (or VLEK), and the ASK/ARK if present.</summary>
    public static AttestationCertificates ToCertificates(IReadOnlyDictionary<Guid, byte[]> table, string source)
    {
        var leaf = table.GetValueOrDefault(Vcek) ?? table.GetValueOrDefault(Vlek)
            ?? throw Bad($"{source} holds no VCEK or VLEK; the host must provide them (SNP_SET_EXT_CONFIG / certificate blob) or fetch the VCEK from AMD's KDS");
        // The ARK from the host is passed on but is trusted by the verifier only if its fingerprint is pinned.
        return new AttestationCertificates(leaf, table.GetValueOrDefault(Ask), table.GetValueOrDefault(Ark));
    }

    private static AttestationException Bad(string message) => new(AttestationError.CertificateTableMalformed, message);
}
