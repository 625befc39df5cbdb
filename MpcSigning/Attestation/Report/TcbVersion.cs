namespace MpcSigning.Attestation.Report;

/// <summary>
/// A TCB_VERSION: a 64-bit little-endian value whose bytes are security patch levels (SPLs). The layout
/// depends on the product (SEV-SNP ABI, "TCB_VERSION Structure"):
/// Milan and Genoa: byte 0 BOOT_LOADER, 1 TEE, 2-5 reserved, 6 SNP, 7 MICROCODE.
/// Turin:           byte 0 FMC, 1 BOOT_LOADER, 2 TEE, 3 SNP, 4-6 reserved, 7 MICROCODE.
/// </summary>
public readonly record struct TcbVersion(ulong Raw)
{
    public TcbParts Decode(SevProduct product)
    {
        var raw = Raw;
        byte B(int i) => (byte)(raw >> (8 * i));
        return product == SevProduct.Turin
            ? new TcbParts(BootLoader: B(1), Tee: B(2), Snp: B(3), Microcode: B(7), Fmc: B(0))
            : new TcbParts(BootLoader: B(0), Tee: B(1), Snp: B(6), Microcode: B(7), Fmc: null);
    }

    /// <summary>Composes a TCB_VERSION in the product's layout; the inverse of <see cref="Decode"/>.</summary>
    public static TcbVersion Encode(SevProduct product, TcbParts parts)
    {
        static ulong At(int i, byte v) => (ulong)v << (8 * i);
        return product == SevProduct.Turin
            ? new TcbVersion(At(0, parts.Fmc ?? 0) | At(1, parts.BootLoader) | At(2, parts.Tee) | At(3, parts.Snp) | At(7, parts.Microcode))
            : new TcbVersion(At(0, parts.BootLoader) | At(1, parts.Tee) | At(6, parts.Snp) | At(7, parts.Microcode));
    }

    /// <summary>
    /// True when every byte (every SPL, in any product's layout, and the reserved bytes) is at most
    /// <paramref name="other"/>'s: a TCB is ordered only per component. This is go-sev-guest's TCBPartsLE, which
    /// compares all eight bytes.
    /// </summary>
    public bool IsAtMost(TcbVersion other)
    {
        for (var i = 0; i < 8; i++)
            if ((byte)(Raw >> (8 * i)) > (byte)(other.Raw >> (8 * i))) return false;
        return true;
    }

    public override string ToString() => $"0x{Raw:x16}";
}

/// <summary>The SPLs of one TCB_VERSION. <see cref="Fmc"/> exists only on Turin and later.</summary>
public readonly record struct TcbParts(byte BootLoader, byte Tee, byte Snp, byte Microcode, byte? Fmc = null)
{
    /// <summary>True when every component is at least the minimum's (a TCB is only ordered per component).</summary>
    public bool AtLeast(TcbParts minimum) =>
        BootLoader >= minimum.BootLoader && Tee >= minimum.Tee && Snp >= minimum.Snp &&
        Microcode >= minimum.Microcode && (minimum.Fmc is null || (Fmc ?? 0) >= minimum.Fmc);

    public override string ToString() =>
        $"bl={BootLoader} tee={Tee} snp={Snp} ucode={Microcode}" + (Fmc is { } f ? $" fmc={f}" : "");
}
