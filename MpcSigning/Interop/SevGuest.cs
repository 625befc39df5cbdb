using System.Runtime.InteropServices;

namespace MpcSigning.Interop;

/// <summary>
/// /dev/sev-guest ioctls, from the kernel uapi header include/uapi/linux/sev-guest.h:
/// <code>
/// struct snp_report_req { __u8 user_data[64]; __u32 vmpl; __u8 rsvd[28]; };           // 96 bytes
/// struct snp_report_resp { __u8 data[4000]; };
/// struct snp_guest_request_ioctl { __u8 msg_version; __u64 req_data; __u64 resp_data;
///                                  union { __u64 exitinfo2; struct { __u32 fw_error; __u32 vmm_error; }; }; }; // 32 bytes
/// struct snp_ext_report_req { struct snp_report_req data; __u64 certs_address; __u32 certs_len; }; // 112 bytes
/// #define SNP_GET_REPORT     _IOWR('S', 0x0, struct snp_guest_request_ioctl)
/// #define SNP_GET_EXT_REPORT _IOWR('S', 0x2, struct snp_guest_request_ioctl)
/// </code>
/// _IOWR(type, nr, size) = (3 &lt;&lt; 30) | (size &lt;&lt; 16) | (type &lt;&lt; 8) | nr, so 0xC0205300 and 0xC0205302.
/// </summary>
internal static unsafe partial class SevGuest
{
    public const string DevicePath = "/dev/sev-guest";
    public const uint SnpGetReport = 0xC0205300, SnpGetExtReport = 0xC0205302;
    public const int ResponseSize = 4000, PageSize = 4096;

    /// <summary>exitinfo2 upper half (vmm_error): SNP_GUEST_VMM_ERR_INVALID_LEN = 1, _BUSY = 2.</summary>
    public const uint VmmErrInvalidLen = 1, VmmErrBusy = 2;

    [StructLayout(LayoutKind.Sequential)]
    public struct ReportReq
    {
        public fixed byte UserData[64];
        public uint Vmpl;
        public fixed byte Rsvd[28];
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct ExtReportReq
    {
        public ReportReq Data;
        public ulong CertsAddress;
        public uint CertsLen;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct GuestRequestIoctl
    {
        public byte MsgVersion;
        public ulong ReqData;
        public ulong RespData;
        public ulong ExitInfo2;
    }

    public readonly record struct Result(int Errno, ulong ExitInfo2, byte[] Response, byte[] Certs, uint CertsLenNeeded);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, nuint request, void* arg);

    /// <summary>Opens the device read-write; returns -errno on failure.</summary>
    public static int OpenDevice() { var fd = Open(DevicePath, 2 /* O_RDWR */); return fd >= 0 ? fd : -Marshal.GetLastPInvokeError(); }

    public static void CloseDevice(int fd) => Close(fd);

    /// <summary>
    /// SNP_GET_REPORT, or SNP_GET_EXT_REPORT when <paramref name="certsLen"/> &gt; 0 (a page-aligned buffer of
    /// that many bytes, a multiple of 4096, receives the certificate table). msg_version is 1.
    /// </summary>
    public static Result GetReport(int fd, ReadOnlySpan<byte> userData, uint vmpl, int certsLen)
    {
        var resp = new byte[ResponseSize];
        void* certs = certsLen > 0 ? NativeMemory.AlignedAlloc((nuint)certsLen, PageSize) : null;
        try
        {
            if (certs != null) NativeMemory.Clear(certs, (nuint)certsLen);
            var ext = new ExtReportReq { CertsAddress = (ulong)certs, CertsLen = (uint)certsLen };
            ext.Data.Vmpl = vmpl;
            userData.CopyTo(new Span<byte>(ext.Data.UserData, 64));
            fixed (byte* r = resp)
            {
                var io = new GuestRequestIoctl { MsgVersion = 1, ReqData = (ulong)(&ext), RespData = (ulong)r };
                var rc = Ioctl(fd, certs != null ? SnpGetExtReport : SnpGetReport, &io);
                var errno = rc < 0 ? Marshal.GetLastPInvokeError() : 0;
                var certBytes = certs != null && rc == 0 ? new Span<byte>(certs, certsLen).ToArray() : [];
                return new Result(errno, io.ExitInfo2, resp, certBytes, ext.CertsLen);
            }
        }
        finally
        {
            if (certs != null) NativeMemory.AlignedFree(certs);
        }
    }
}
