using System.Buffers.Binary;

namespace MpcSigning.Attestation.Report;

public sealed partial class AttestationReport
{
    /// <summary>Writes the 0x4A0-byte report; reserved bytes are zero, so a parsed report round-trips exactly.</summary>
    public byte[] ToBytes()
    {
        var b = new byte[ReportLayout.Size];
        U32(b, ReportLayout.Version, Version);
        U32(b, ReportLayout.GuestSvn, GuestSvn);
        U64(b, ReportLayout.Policy, Policy.Raw);
        Put(b, ReportLayout.FamilyId, FamilyId, 16);
        Put(b, ReportLayout.ImageId, ImageId, 16);
        U32(b, ReportLayout.Vmpl, Vmpl);
        U32(b, ReportLayout.SignatureAlgo, SignatureAlgo);
        U64(b, ReportLayout.CurrentTcb, CurrentTcb.Raw);
        U64(b, ReportLayout.PlatformInfo, PlatformInfo);
        U32(b, ReportLayout.SignerInfo, SignerInfo);
        Put(b, ReportLayout.ReportData, ReportData, 64);
        Put(b, ReportLayout.Measurement, Measurement, 48);
        Put(b, ReportLayout.HostData, HostData, 32);
        Put(b, ReportLayout.IdKeyDigest, IdKeyDigest, 48);
        Put(b, ReportLayout.AuthorKeyDigest, AuthorKeyDigest, 48);
        Put(b, ReportLayout.ReportId, ReportId, 32);
        Put(b, ReportLayout.ReportIdMa, ReportIdMa, 32);
        U64(b, ReportLayout.ReportedTcb, ReportedTcb.Raw);
        if (ReportLayout.HasCpuid(Version))
        {
            b[ReportLayout.CpuidFamId] = CpuidFamId;
            b[ReportLayout.CpuidModId] = CpuidModId;
            b[ReportLayout.CpuidStep] = CpuidStep;
        }
        Put(b, ReportLayout.ChipId, ChipId, 64);
        U64(b, ReportLayout.CommittedTcb, CommittedTcb.Raw);
        b[ReportLayout.CurrentBuild] = CurrentBuild;
        b[ReportLayout.CurrentMinor] = CurrentMinor;
        b[ReportLayout.CurrentMajor] = CurrentMajor;
        b[ReportLayout.CommittedBuild] = CommittedBuild;
        b[ReportLayout.CommittedMinor] = CommittedMinor;
        b[ReportLayout.CommittedMajor] = CommittedMajor;
        U64(b, ReportLayout.LaunchTcb, LaunchTcb.Raw);
        if (ReportLayout.HasMitigationVectors(Version))
        {
            U64(b, ReportLayout.LaunchMitVector, LaunchMitVector);
            U64(b, ReportLayout.CurrentMitVector, CurrentMitVector);
        }
        Put(b, ReportLayout.SignatureR, SignatureR, 72);
        Put(b, ReportLayout.SignatureS, SignatureS, 72);
        return b;
    }

    private static void U32(byte[] b, int at, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), v);
    private static void U64(byte[] b, int at, ulong v) => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(at), v);

    private static void Put(byte[] b, int at, byte[] value, int length)
    {
        // A field of the wrong size is a programming error in the caller that built the report.
        if (value.Length != length) throw new ArgumentException($"field at 0x{at:X3} must be {length} bytes, got {value.Length}");
        value.CopyTo(b, at);
    }
}
