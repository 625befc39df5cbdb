using System.Security.Cryptography;
using MpcSigning.Attestation;
using MpcSigning.Attestation.Providers.Simulated;
using MpcSigning.Attestation.Report;
using MpcSigning.Attestation.Verification;

namespace MpcSigning.Tests.Attestation;

/// <summary>
/// Reports with chosen fields, signed for real: a simulated ARK/ASK/VCEK hierarchy (Genoa, VCEK TCB
/// <see cref="SimulatedAuthority.Tcb"/>) made once per test run, and a policy pinning its ARK. Real samples cannot
/// be edited without breaking their signature; these let a test reach the checks after the signature.
/// </summary>
internal static class SignedReports
{
    private static readonly Lazy<(SimulatedAuthority.Issued Issued, ECDsa Key)> Hierarchy = new(() =>
    {
        var issued = SimulatedAuthority.Create(DateTimeOffset.UtcNow);
        var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(issued.VcekPkcs8, out _);
        SimulatedAuthority.Wipe(issued.VcekPkcs8);
        return (issued, key);
    });

    public static readonly byte[] ReportData = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();

    /// <summary>The VCEK's TCB in Genoa's layout: REPORTED_TCB must equal it for the certificate to endorse the report.</summary>
    public static TcbVersion CertTcb => Tcb(SimulatedAuthority.Tcb);

    public static TcbVersion Tcb(TcbParts parts) => TcbVersion.Encode(SevProduct.Genoa, parts);

    public static AttestationCertificates Certificates
    {
        get
        {
            var i = Hierarchy.Value.Issued;
            return new AttestationCertificates(i.VcekDer, i.AskDer, i.ArkDer);
        }
    }

    /// <summary>Strict, and trusting this hierarchy's ARK.</summary>
    public static AttestationPolicy Policy => AttestationPolicy.Strict with
    {
        TrustedSimulatedArkFingerprint = Convert.ToHexStringLower(SHA256.HashData(Hierarchy.Value.Issued.ArkDer)),
    };

    /// <summary>
    /// A Genoa report of <paramref name="version"/>; by default consistent: every TCB is the VCEK's, current and
    /// committed firmware 1.58 build 1. Each argument replaces one field.
    /// </summary>
    public static AttestationReport Template(uint version = 5, TcbVersion? current = null, TcbVersion? committed = null,
        (byte Major, byte Minor, byte Build)? currentFirmware = null, (byte Major, byte Minor, byte Build)? committedFirmware = null)
    {
        var (cur, com) = (currentFirmware ?? (1, 58, 1), committedFirmware ?? (1, 58, 1));
        var cpuid = version >= 3;
        return new AttestationReport
        {
            Version = version, Policy = new GuestPolicy(0x30000), Vmpl = 0, SignatureAlgo = 1, PlatformInfo = 1,
            CurrentTcb = current ?? CertTcb, ReportedTcb = CertTcb, CommittedTcb = committed ?? CertTcb, LaunchTcb = committed ?? CertTcb,
            ReportData = (byte[])ReportData.Clone(), Measurement = new byte[48], ReportId = new byte[32],
            ReportIdMa = Enumerable.Repeat((byte)0xFF, 32).ToArray(),
            CpuidFamId = cpuid ? (byte)0x19 : (byte)0, CpuidModId = cpuid ? (byte)0x11 : (byte)0, CpuidStep = cpuid ? (byte)0x01 : (byte)0,
            ChipId = (byte[])Hierarchy.Value.Issued.ChipId.Clone(),
            CurrentMajor = cur.Major, CurrentMinor = cur.Minor, CurrentBuild = cur.Build,
            CommittedMajor = com.Major, CommittedMinor = com.Minor, CommittedBuild = com.Build,
        };
    }

    /// <summary>The report's bytes with an ECDSA P-384/SHA-384 signature by the VCEK (R, S little-endian, 72 bytes each).</summary>
    public static byte[] Sign(AttestationReport report)
    {
        var bytes = report.ToBytes();
        var sig = Hierarchy.Value.Key.SignData(bytes.AsSpan(0, 0x2A0), HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var r = sig[..48];
        var s = sig[48..];
        Array.Reverse(r);
        Array.Reverse(s);
        Array.Clear(bytes, 0x2A0, 144);
        r.CopyTo(bytes, 0x2A0);
        s.CopyTo(bytes, 0x2E8);
        return bytes;
    }

    public static AttestationVerdict Verify(AttestationReport report, AttestationPolicy? policy = null) =>
        AttestationVerifier.Verify(Sign(report), Certificates, policy ?? Policy, ReportData, DateTimeOffset.UtcNow);
}
