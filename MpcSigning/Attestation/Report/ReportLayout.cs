namespace MpcSigning.Attestation.Report;

/// <summary>
/// Byte offsets of the ATTESTATION_REPORT (AMD SEV-SNP Firmware ABI, Table "ATTESTATION_REPORT Structure",
/// rev 1.55-1.58). All integers are little-endian. Version 3 added CPUID_FAM_ID/MOD_ID/STEP at 0x188;
/// version 5 added LAUNCH_MIT_VECTOR and CURRENT_MIT_VECTOR at 0x1F8 and 0x200. See <see cref="SupportedVersions"/>.
/// </summary>
internal static class ReportLayout
{
    /// <summary>
    /// The VERSION values parsed and verified, each with its layout:
    /// 2: the base layout (0x188-0x19F reserved, no CPUID).
    /// 3: adds CPUID_FAM_ID/MOD_ID/STEP at 0x188-0x18A.
    /// 4: the version 3 layout. Emitted by firmware 1.55.31 (GCP Milan); AMD has published no table for it, and
    ///    go-sev-guest, virtee/sev and trustee read it as version 3 (0x1F8-0x29F reserved). AMD's maintainers describe
    ///    its change as the product-specific TCB_VERSION layout (Turin's differs; confidential-containers/trustee#734),
    ///    which <see cref="TcbVersion"/> decodes by the product from CPUID or the VCEK.
    /// 5: adds LAUNCH_MIT_VECTOR and CURRENT_MIT_VECTOR at 0x1F8 and 0x200 (ABI 1.58).
    /// Any other value is refused (ReportUnknownVersion): a new layout could move signed fields.
    /// </summary>
    public static readonly IReadOnlyList<uint> SupportedVersions = [2, 3, 4, 5];

    /// <summary>Version 3 and later carry the CPUID bytes at 0x188.</summary>
    public static bool HasCpuid(uint version) => version >= 3;

    /// <summary>Version 5 and later carry the mitigation vectors at 0x1F8.</summary>
    public static bool HasMitigationVectors(uint version) => version >= 5;

    public const int Size = 0x4A0;
    public const int Version = 0x000, GuestSvn = 0x004, Policy = 0x008, FamilyId = 0x010, ImageId = 0x020;
    public const int Vmpl = 0x030, SignatureAlgo = 0x034, CurrentTcb = 0x038, PlatformInfo = 0x040;
    public const int SignerInfo = 0x048, Reserved04C = 0x04C, ReportData = 0x050, Measurement = 0x090;
    public const int HostData = 0x0C0, IdKeyDigest = 0x0E0, AuthorKeyDigest = 0x110, ReportId = 0x140;
    public const int ReportIdMa = 0x160, ReportedTcb = 0x180, CpuidFamId = 0x188, CpuidModId = 0x189;
    public const int CpuidStep = 0x18A, ChipId = 0x1A0, CommittedTcb = 0x1E0;
    public const int CurrentBuild = 0x1E8, CurrentMinor = 0x1E9, CurrentMajor = 0x1EA, Reserved1EB = 0x1EB;
    public const int CommittedBuild = 0x1EC, CommittedMinor = 0x1ED, CommittedMajor = 0x1EE, Reserved1EF = 0x1EF;
    public const int LaunchTcb = 0x1F0, LaunchMitVector = 0x1F8, CurrentMitVector = 0x200;

    /// <summary>The signature covers bytes 0x000-0x29F (ABI "Signature": over the report up to SIGNATURE).</summary>
    public const int SignedLength = 0x2A0;

    /// <summary>SIGNATURE: R and S as 72-byte little-endian integers, then reserved bytes up to 0x49F.</summary>
    public const int SignatureR = 0x2A0, SignatureS = 0x2E8, SignatureComponentLength = 72, SignatureTail = 0x330;

    /// <summary>SIGNATURE_ALGO 1 = ECDSA P-384 with SHA-384 (ABI, "Signature Algorithm Encodings").</summary>
    public const uint EcdsaP384Sha384 = 1;

    /// <summary>Reserved (must-be-zero) ranges [start, end) for a report version.</summary>
    public static IEnumerable<(int Start, int End)> ReservedRanges(uint version)
    {
        yield return (Reserved04C, Reserved04C + 4);
        yield return (HasCpuid(version) ? CpuidStep + 1 : CpuidFamId, ChipId);
        yield return (Reserved1EB, Reserved1EB + 1);
        yield return (Reserved1EF, Reserved1EF + 1);
        yield return (HasMitigationVectors(version) ? CurrentMitVector + 8 : LaunchMitVector, SignedLength);
        yield return (SignatureTail, Size);
    }
}
