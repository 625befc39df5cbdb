using System.Runtime.InteropServices;

namespace MpcSigning.Interop;

/// <summary>
/// SNP_GET_DERIVED_KEY from include/uapi/linux/sev-guest.h:
/// <code>
/// struct snp_derived_key_req { __u32 root_key_select; __u32 rsvd; __u64 guest_field_select; __u32 vmpl;
///                              __u32 guest_svn; __u64 tcb_version; };                         // 32 bytes
/// struct snp_derived_key_resp { __u8 data[64]; };  // MSG_KEY_RSP: status (u32), reserved to 0x1F, key at 0x20
/// #define SNP_GET_DERIVED_KEY _IOWR('S', 0x1, struct snp_guest_request_ioctl)                 // 0xC0205301
/// </code>
/// root_key_select 0 is the VCEK. A guest_svn and tcb_version of 0 are the least values; their fields are not selected.
/// </summary>
internal static unsafe partial class SevGuest
{
    public const uint SnpGetDerivedKey = 0xC0205301;
    public const int DerivedKeySize = 32;

    [StructLayout(LayoutKind.Sequential)]
    public struct DerivedKeyReq
    {
        public uint RootKeySelect;
        public uint Rsvd;
        public ulong GuestFieldSelect;
        public uint Vmpl;
        public uint GuestSvn;
        public ulong TcbVersion;
    }

    /// <summary>Fills <paramref name="key"/> (32 bytes) with the derived key; returns the errno (0 on success) and exitinfo2.</summary>
    public static (int Errno, ulong ExitInfo2) GetDerivedKey(int fd, ulong fieldSelect, uint vmpl, Span<byte> key)
    {
        if (key.Length != DerivedKeySize) throw new ArgumentException("the derived key is 32 bytes", nameof(key));
        var resp = stackalloc byte[64];
        try
        {
            var req = new DerivedKeyReq { RootKeySelect = 0, GuestFieldSelect = fieldSelect, Vmpl = vmpl };
            var io = new GuestRequestIoctl { MsgVersion = 1, ReqData = (ulong)(&req), RespData = (ulong)resp };
            var rc = Ioctl(fd, SnpGetDerivedKey, &io);
            if (rc < 0) return (Marshal.GetLastPInvokeError(), io.ExitInfo2);
            var status = *(uint*)resp;
            if (status != 0) return (5 /* EIO */, status);
            new ReadOnlySpan<byte>(resp + 0x20, DerivedKeySize).CopyTo(key);
            return (0, 0);
        }
        finally
        {
            new Span<byte>(resp, 64).Clear();
        }
    }
}
