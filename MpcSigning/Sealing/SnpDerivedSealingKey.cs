using MpcSigning.Crypto;
using MpcSigning.Interop;

namespace MpcSigning.Sealing;

/// <summary>
/// The SEV-SNP firmware's derived key (MSG_KEY_REQ through the /dev/sev-guest ioctl SNP_GET_DERIVED_KEY), rooted in
/// the VCEK and mixing in the guest policy and the launch MEASUREMENT (GUEST_FIELD_SELECT bits 0 and 3): only a guest
/// launched with the same image and policy on the same chip gets the same key. The key never leaves guarded memory.
/// </summary>
public sealed class SnpDerivedSealingKey(byte[] measurement, uint vmpl) : ISealingKeySource
{
    public const string KindName = "snp-derived-key";

    /// <summary>GUEST_FIELD_SELECT: bit 0 guest policy, bit 3 measurement (AMD SEV-SNP ABI, MSG_KEY_REQ).</summary>
    public const ulong FieldSelect = (1UL << 0) | (1UL << 3);

    private readonly byte[] _measurement = (byte[])measurement.Clone();

    public string Kind => KindName;

    public byte[] Measurement => (byte[])_measurement.Clone();

    /// <summary>True when this machine has the device the derived key comes from.</summary>
    public static bool Available => File.Exists(SevGuest.DevicePath);

    public SecretBytes DeriveRootKey()
    {
        var fd = SevGuest.OpenDevice();
        if (fd < 0) throw new SealingException($"cannot open {SevGuest.DevicePath} for the sealing key (errno {-fd}); run the node as a user that may use it");
        try
        {
            var key = SecretBytes.Allocate(SevGuest.DerivedKeySize);
            var (errno, exitInfo2) = SevGuest.GetDerivedKey(fd, FieldSelect, vmpl, key.Span);
            if (errno != 0)
            {
                key.Dispose();
                throw new SealingException($"SNP_GET_DERIVED_KEY failed (errno {errno}, firmware/VMM error 0x{exitInfo2:x}); the sealed key files cannot be opened on this guest");
            }
            return key;
        }
        finally
        {
            SevGuest.CloseDevice(fd);
        }
    }
}
