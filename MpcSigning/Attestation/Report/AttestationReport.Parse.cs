using System.Buffers.Binary;

namespace MpcSigning.Attestation.Report;

public sealed partial class AttestationReport
{
    /// <summary>Parses a report; malformed input yields a specific code and message, never an exception.</summary>
    public static bool TryParse(ReadOnlySpan<byte> b, out AttestationReport? report, out AttestationError code, out string message)
    {
        report = null;
        (code, message) = Check(b);
        if (code != AttestationError.None) return false;
        report = new AttestationReport
        {
            Version = U32(b, ReportLayout.Version), GuestSvn = U32(b, ReportLayout.GuestSvn),
            Policy = new GuestPolicy(U64(b, ReportLayout.Policy)),
            FamilyId = Bytes(b, ReportLayout.FamilyId, 16), ImageId = Bytes(b, ReportLayout.ImageId, 16),
            Vmpl = U32(b, ReportLayout.Vmpl), SignatureAlgo = U32(b, ReportLayout.SignatureAlgo),
            CurrentTcb = Tcb(b, ReportLayout.CurrentTcb), PlatformInfo = U64(b, ReportLayout.PlatformInfo),
            SignerInfo = U32(b, ReportLayout.SignerInfo),
            ReportData = Bytes(b, ReportLayout.ReportData, 64), Measurement = Bytes(b, ReportLayout.Measurement, 48),
            HostData = Bytes(b, ReportLayout.HostData, 32), IdKeyDigest = Bytes(b, ReportLayout.IdKeyDigest, 48),
            AuthorKeyDigest = Bytes(b, ReportLayout.AuthorKeyDigest, 48),
            ReportId = Bytes(b, ReportLayout.ReportId, 32), ReportIdMa = Bytes(b, ReportLayout.ReportIdMa, 32),
            ReportedTcb = Tcb(b, ReportLayout.ReportedTcb),
            CpuidFamId = b[ReportLayout.CpuidFamId], CpuidModId = b[ReportLayout.CpuidModId], CpuidStep = b[ReportLayout.CpuidStep],
            ChipId = Bytes(b, ReportLayout.ChipId, 64), CommittedTcb = Tcb(b, ReportLayout.CommittedTcb),
            CurrentBuild = b[ReportLayout.CurrentBuild], CurrentMinor = b[ReportLayout.CurrentMinor], CurrentMajor = b[ReportLayout.CurrentMajor],
            CommittedBuild = b[ReportLayout.CommittedBuild], CommittedMinor = b[ReportLayout.CommittedMinor],
            CommittedMajor = b[ReportLayout.CommittedMajor], LaunchTcb = Tcb(b, ReportLayout.LaunchTcb),
            LaunchMitVector = U64(b, ReportLayout.LaunchMitVector), CurrentMitVector = U64(b, ReportLayout.CurrentMitVector),
            SignatureR = Bytes(b, ReportLayout.SignatureR, 72), SignatureS = Bytes(b, ReportLayout.SignatureS, 72),
        };
        return true;
    }

    /// <summary>Parses a report or throws <see cref="AttestationException"/> with the parser's message.</summary>
    public static AttestationReport Parse(ReadOnlySpan<byte> bytes) =>
        TryParse(bytes, out var r, out var code, out var message) ? r! : throw new AttestationException(code, message);

    private static (AttestationError, string) Check(ReadOnlySpan<byte> b)
    {
        if (b.Length != ReportLayout.Size)
            return (AttestationError.ReportLength, $"attestation report is {b.Length} bytes; an SEV-SNP ATTESTATION_REPORT is exactly {ReportLayout.Size} (0x4A0) bytes");
        var version = U32(b, ReportLayout.Version);
        if (!ReportLayout.SupportedVersions.Contains(version))
            return (AttestationError.ReportUnknownVersion,
                $"attestation report VERSION is {version}; supported versions are {string.Join(", ", ReportLayout.SupportedVersions)} (a newer firmware's layout needs a newer mpcsign)");
        var algo = U32(b, ReportLayout.SignatureAlgo);
        if (algo != ReportLayout.EcdsaP384Sha384)
            return (AttestationError.ReportSignatureAlgorithm, $"attestation report SIGNATURE_ALGO at 0x034 is {algo}; only 1 (ECDSA P-384 with SHA-384) is defined");
        var signer = U32(b, ReportLayout.SignerInfo);
        if ((signer >> 5) != 0)
            return (AttestationError.ReportReservedNonZero, $"attestation report SIGNER_INFO at 0x048 is 0x{signer:x}; its reserved bits 31:5 must be zero");
        var key = (signer >> 2) & 7;
        if (key is not (0 or 1 or 7))
            return (AttestationError.ReportSigningKeyUnknown, $"attestation report SIGNING_KEY (SIGNER_INFO bits 4:2) is {key}; defined are 0 (VCEK), 1 (VLEK) and 7 (none)");
        foreach (var (start, end) in ReportLayout.ReservedRanges(version))
        {
            var i = b[start..end].IndexOfAnyExcept((byte)0);
            if (i >= 0)
                return (AttestationError.ReportReservedNonZero, $"attestation report byte 0x{start + i:X3} is 0x{b[start + i]:x2} in a reserved range 0x{start:X3}-0x{end - 1:X3} of a version {version} report; it must be zero");
        }
        return (AttestationError.None, "");
    }

    private static uint U32(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b[at..]);
    private static ulong U64(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b[at..]);
    private static TcbVersion Tcb(ReadOnlySpan<byte> b, int at) => new(U64(b, at));
    private static byte[] Bytes(ReadOnlySpan<byte> b, int at, int n) => b.Slice(at, n).ToArray();
}
