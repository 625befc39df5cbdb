namespace MpcSigning.Attestation.Providers.SevGuestIoctl;

/// <summary>
/// Decodes exitinfo2 from snp_guest_request_ioctl: the low 32 bits are the firmware status (SEV-SNP ABI,
/// "Status Codes"), the high 32 bits the VMM error (sev-guest.h: 1 = invalid certificate buffer length,
/// 2 = busy).
/// </summary>
public static class SevFirmwareStatus
{
    private static readonly Dictionary<uint, string> Names = new()
    {
        [0x00] = "SUCCESS", [0x01] = "INVALID_PLATFORM_STATE", [0x02] = "INVALID_GUEST_STATE", [0x03] = "INVALID_CONFIG",
        [0x04] = "INVALID_LENGTH", [0x05] = "ALREADY_OWNED", [0x06] = "INVALID_CERTIFICATE", [0x07] = "POLICY_FAILURE",
        [0x08] = "INACTIVE", [0x09] = "INVALID_ADDRESS", [0x0A] = "BAD_SIGNATURE", [0x0B] = "BAD_MEASUREMENT",
        [0x0C] = "ASID_OWNED", [0x0D] = "INVALID_ASID", [0x0E] = "WBINVD_REQUIRED", [0x0F] = "DFFLUSH_REQUIRED",
        [0x10] = "INVALID_GUEST", [0x11] = "INVALID_COMMAND", [0x12] = "ACTIVE", [0x13] = "HWERROR_PLATFORM",
        [0x14] = "HWERROR_UNSAFE", [0x15] = "UNSUPPORTED", [0x16] = "INVALID_PARAM", [0x17] = "RESOURCE_LIMIT",
        [0x18] = "SECURE_DATA_INVALID", [0x19] = "INVALID_PAGE_SIZE", [0x1A] = "INVALID_PAGE_STATE",
        [0x1B] = "INVALID_MDATA_ENTRY", [0x1C] = "INVALID_PAGE_OWNER", [0x1D] = "AEAD_OFLOW", [0x1F] = "RING_BUFFER_EXIT",
        [0x20] = "RMP_INIT_REQUIRED", [0x21] = "BAD_SVN", [0x22] = "BAD_VERSION", [0x23] = "SHUTDOWN_REQUIRED",
        [0x24] = "UPDATE_FAILED", [0x25] = "RESTORE_REQUIRED", [0x26] = "RMP_INITIALIZATION_FAILED", [0x27] = "INVALID_KEY",
    };

    public static string Describe(ulong exitInfo2)
    {
        var fw = (uint)exitInfo2;
        var vmm = (uint)(exitInfo2 >> 32);
        var parts = new List<string>();
        if (fw != 0) parts.Add($"firmware status 0x{fw:x} ({Names.GetValueOrDefault(fw, "unknown")})");
        if (vmm != 0)
            parts.Add(vmm switch
            {
                1 => "VMM error 1 (certificate buffer too small)",
                2 => "VMM error 2 (busy: the host throttled the request; retry)",
                _ => $"VMM error {vmm}",
            });
        return parts.Count == 0 ? "exitinfo2 0 (no firmware or VMM error)" : string.Join(", ", parts);
    }
}
