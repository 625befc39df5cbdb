using System.Buffers.Binary;
using MpcSigning.Interop;

namespace MpcSigning.Attestation.Providers.SevGuestIoctl;

/// <summary>
/// Reports through /dev/sev-guest: SNP_GET_EXT_REPORT, which also returns the host's certificate table
/// (VCEK/VLEK, ASK, ARK); when the host has no certificates configured, a plain SNP_GET_REPORT cannot help the
/// verifier either, so that is an error that says where the VCEK must come from.
/// </summary>
public sealed class SevGuestIoctlProvider(uint vmpl = 0) : IAttestationProvider
{
    public const string KindName = "ioctl";
    private const int MaxCertPages = 64;

    public string Kind => KindName;

    public Task<AttestationEvidence> GetEvidenceAsync(ReadOnlyMemory<byte> reportData, CancellationToken ct)
    {
        if (reportData.Length != 64) throw new ArgumentException($"REPORT_DATA is 64 bytes, got {reportData.Length}", nameof(reportData));
        ct.ThrowIfCancellationRequested();
        var fd = SevGuest.OpenDevice();
        if (fd < 0)
            throw new AttestationException(AttestationError.ProviderUnavailable,
                $"cannot open {SevGuest.DevicePath} (errno {-fd}): {(-fd == 2 ? "no SEV-SNP guest device; this is not an SNP guest" : "permission denied or device busy; run as root")}");
        try
        {
            var certsLen = 4 * SevGuest.PageSize;
            while (true)
            {
                var r = SevGuest.GetReport(fd, reportData.Span, vmpl, certsLen);
                // The host says how big the buffer must be (sev-guest.h: SNP_GUEST_VMM_ERR_INVALID_LEN).
                if ((uint)(r.ExitInfo2 >> 32) == SevGuest.VmmErrInvalidLen && r.CertsLenNeeded > certsLen && r.CertsLenNeeded <= MaxCertPages * SevGuest.PageSize)
                {
                    certsLen = (int)r.CertsLenNeeded;
                    continue;
                }
                if (r.Errno != 0 || r.ExitInfo2 != 0)
                    throw new AttestationException(AttestationError.FirmwareError,
                        $"SNP_GET_EXT_REPORT failed: errno {r.Errno}, {SevFirmwareStatus.Describe(r.ExitInfo2)}");
                var report = ReportFromResponse(r.Response);
                var table = CertificateTable.Parse(r.Certs);
                return Task.FromResult(new AttestationEvidence(Kind, report, CertificateTable.ToCertificates(table, "the extended report's certificate table")));
            }
        }
        finally
        {
            SevGuest.CloseDevice(fd);
        }
    }

    /// <summary>MSG_REPORT_RSP (ABI): STATUS u32, REPORT_SIZE u32, 24 reserved bytes, then the report.</summary>
    internal static byte[] ReportFromResponse(byte[] resp)
    {
        var status = BinaryPrimitives.ReadUInt32LittleEndian(resp);
        var size = BinaryPrimitives.ReadUInt32LittleEndian(resp.AsSpan(4));
        if (status != 0)
            throw new AttestationException(AttestationError.FirmwareError, $"MSG_REPORT_RSP STATUS is 0x{status:x} ({(status == 0x16 ? "INVALID_PARAM: bad VMPL?" : "firmware error")})");
        if (size != 0x4A0)
            throw new AttestationException(AttestationError.ReportLength, $"MSG_REPORT_RSP REPORT_SIZE is {size}; expected 0x4A0");
        return resp.AsSpan(0x20, 0x4A0).ToArray();
    }
}
