namespace MpcSigning.Attestation.Report;

/// <summary>
/// AMD's ATTESTATION_REPORT (SEV-SNP Firmware ABI), versions 2, 3, 4 and 5 (<see cref="ReportLayout.SupportedVersions"/>),
/// with AMD's field names.
/// Immutable; <see cref="ToBytes"/> writes back the exact bytes it was parsed from (reserved bytes are
/// required to be zero, so every byte is represented by a field).
/// </summary>
public sealed partial class AttestationReport
{
    public uint Version { get; init; }
    public uint GuestSvn { get; init; }
    public GuestPolicy Policy { get; init; }
    public byte[] FamilyId { get; init; } = new byte[16];
    public byte[] ImageId { get; init; } = new byte[16];
    public uint Vmpl { get; init; }
    public uint SignatureAlgo { get; init; } = ReportLayout.EcdsaP384Sha384;
    public TcbVersion CurrentTcb { get; init; }
    public ulong PlatformInfo { get; init; }

    /// <summary>Bit 0 AUTHOR_KEY_EN, bit 1 MASK_CHIP_KEY, bits 4:2 SIGNING_KEY, bits 31:5 reserved.</summary>
    public uint SignerInfo { get; init; }
    public byte[] ReportData { get; init; } = new byte[64];
    public byte[] Measurement { get; init; } = new byte[48];
    public byte[] HostData { get; init; } = new byte[32];
    public byte[] IdKeyDigest { get; init; } = new byte[48];
    public byte[] AuthorKeyDigest { get; init; } = new byte[48];
    public byte[] ReportId { get; init; } = new byte[32];
    public byte[] ReportIdMa { get; init; } = new byte[32];
    public TcbVersion ReportedTcb { get; init; }

    /// <summary>CPUID family/model/stepping; version 3 and later (4 has the version 3 layout), zero in version 2.</summary>
    public byte CpuidFamId { get; init; }
    public byte CpuidModId { get; init; }
    public byte CpuidStep { get; init; }
    public byte[] ChipId { get; init; } = new byte[64];
    public TcbVersion CommittedTcb { get; init; }
    public byte CurrentBuild { get; init; }
    public byte CurrentMinor { get; init; }
    public byte CurrentMajor { get; init; }
    public byte CommittedBuild { get; init; }
    public byte CommittedMinor { get; init; }
    public byte CommittedMajor { get; init; }
    public TcbVersion LaunchTcb { get; init; }

    /// <summary>Mitigation vectors; version 5 and later, zero before.</summary>
    public ulong LaunchMitVector { get; init; }
    public ulong CurrentMitVector { get; init; }

    /// <summary>ECDSA R and S, 72-byte little-endian integers as stored in the report.</summary>
    public byte[] SignatureR { get; init; } = new byte[72];
    public byte[] SignatureS { get; init; } = new byte[72];

    public bool AuthorKeyEn => (SignerInfo & 1) != 0;
    public bool MaskChipKey => (SignerInfo & 2) != 0;
    public SigningKeyKind SigningKey => (SigningKeyKind)((SignerInfo >> 2) & 7);

    /// <summary>Product from the signed CPUID bytes, or Unknown for version 2 (then the VCEK names it).</summary>
    public SevProduct Product => ReportLayout.HasCpuid(Version) ? SevProducts.FromCpuid(CpuidFamId, CpuidModId) : SevProduct.Unknown;

    /// <summary>The bytes the signature covers (0x000-0x29F).</summary>
    public byte[] SignedBytes() => ToBytes()[..ReportLayout.SignedLength];

    /// <summary>A copy carrying the given signature (used by the simulated provider after signing).</summary>
    public AttestationReport With(byte[] signatureR, byte[] signatureS)
    {
        if (signatureR.Length != 72 || signatureS.Length != 72) throw new ArgumentException("R and S are 72 bytes each");
        var b = ToBytes();
        signatureR.CopyTo(b, ReportLayout.SignatureR);
        signatureS.CopyTo(b, ReportLayout.SignatureS);
        return Parse(b);
    }
}
