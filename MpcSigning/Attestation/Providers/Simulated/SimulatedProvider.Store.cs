using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MpcSigning.Attestation.Report;
using MpcSigning.Attestation.Verification;
using MpcSigning.Hosting;

namespace MpcSigning.Attestation.Providers.Simulated;

public sealed partial class SimulatedProvider
{
    internal const string StoreFolder = "snp-simulated";
    private const string ArkFile = "ark.der", AskFile = "ask.der", VcekFile = "vcek.der", VcekKeyFile = "vcek.key";

    /// <summary>
    /// Creates the hierarchy in a temporary folder and renames it into place, so two processes starting at once
    /// end up sharing one complete hierarchy (the loser's rename fails and it uses the winner's).
    /// </summary>
    private static void CreateStore(string dir)
    {
        var tmp = dir + ".tmp-" + Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var issued = SimulatedAuthority.Create(DateTimeOffset.UtcNow);
        try
        {
            DataDirectory.WriteOwnerOnly(Path.Combine(tmp, ArkFile), issued.ArkDer);
            DataDirectory.WriteOwnerOnly(Path.Combine(tmp, AskFile), issued.AskDer);
            DataDirectory.WriteOwnerOnly(Path.Combine(tmp, VcekFile), issued.VcekDer);
            DataDirectory.WriteOwnerOnly(Path.Combine(tmp, VcekKeyFile), issued.VcekPkcs8);
        }
        finally
        {
            SimulatedAuthority.Wipe(issued.VcekPkcs8);
        }
        try { Directory.Move(tmp, dir); }
        catch (IOException) when (Directory.Exists(dir)) { Directory.Delete(tmp, recursive: true); }
    }

    private static SimulatedProvider Load(string dir, byte[] measurement)
    {
        byte[] Read(string f) => File.ReadAllBytes(Path.Combine(dir, f));
        var certs = new AttestationCertificates(Read(VcekFile), Read(AskFile), Read(ArkFile));
        var key = ECDsa.Create();
        using (var secret = SimulatedAuthority.ToSecret(Read(VcekKeyFile)))
            key.ImportPkcs8PrivateKey(secret.ReadOnlySpan, out _);
        using var vcek = X509CertificateLoader.LoadCertificate(certs.SigningKey);
        var hwId = VcekExtensions.TryRead(vcek, out var error)?.HwId
                   ?? throw new AttestationException(AttestationError.CertificateMalformed, $"simulated VCEK in {dir} is unreadable: {error}; delete the folder to recreate it");
        return new SimulatedProvider(key, certs, hwId, measurement);
    }

    private AttestationReport Unsigned(ReadOnlySpan<byte> reportData)
    {
        var tcb = TcbVersion.Encode(SimulatedAuthority.Product, SimulatedAuthority.Tcb);
        var reportId = new byte[32];
        RandomNumberGenerator.Fill(reportId);
        return new AttestationReport
        {
            Version = 5, GuestSvn = 0, Policy = new GuestPolicy(0x30000), Vmpl = 0, SignatureAlgo = 1,
            CurrentTcb = tcb, ReportedTcb = tcb, CommittedTcb = tcb, LaunchTcb = tcb, PlatformInfo = 1,
            SignerInfo = 0, ReportData = reportData.ToArray(), Measurement = (byte[])_measurement.Clone(),
            ReportId = reportId, ReportIdMa = Enumerable.Repeat((byte)0xFF, 32).ToArray(),
            CpuidFamId = 0x19, CpuidModId = 0x11, CpuidStep = 0x01, ChipId = (byte[])_chipId.Clone(),
            CurrentMajor = 1, CurrentMinor = 58, CurrentBuild = 1, CommittedMajor = 1, CommittedMinor = 58, CommittedBuild = 1,
        };
    }
}
