using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MpcSigning.Attestation.Report;
using MpcSigning.Attestation.Verification;
using MpcSigning.Hosting;

namespace MpcSigning.Attestation.Providers.Simulated;

/// <summary>
/// Attestation for machines without SEV-SNP (development, CI, the demo). Writes reports in exactly AMD's byte
/// format (version 5, Genoa CPUID), signed by a simulated VCEK chained to a simulated ASK and ARK that are
/// created once per data directory. Its evidence carries the simulated ASK and ARK; verifiers trust them only
/// when their policy pins <see cref="ArkFingerprint"/>.
/// </summary>
public sealed partial class SimulatedProvider : IAttestationProvider, IDisposable
{
    public const string KindName = "simulated";

    /// <summary>The simulated roots this process has warned about.</summary>
    private static readonly HashSet<string> Warned = new(StringComparer.OrdinalIgnoreCase);

    private readonly ECDsa _vcekKey;
    private readonly AttestationCertificates _certificates;
    private readonly byte[] _chipId;
    private readonly byte[] _measurement;

    private SimulatedProvider(ECDsa vcekKey, AttestationCertificates certificates, byte[] chipId, byte[] measurement)
    {
        (_vcekKey, _certificates, _chipId, _measurement) = (vcekKey, certificates, chipId, measurement);
        ArkFingerprint = Convert.ToHexStringLower(SHA256.HashData(certificates.Root!));
    }

    public string Kind => KindName;

    /// <summary>SHA-256 (hex) of the simulated ARK: the value a policy pins to accept this provider.</summary>
    public string ArkFingerprint { get; }

    /// <summary>The MEASUREMENT this provider reports (by default <see cref="BuildMeasurement.Current"/>).</summary>
    public byte[] Measurement => (byte[])_measurement.Clone();

    /// <summary>
    /// Opens (or creates, once) the simulated hierarchy in the data directory and logs a warning: evidence
    /// from it proves nothing about the hardware.
    /// </summary>
    public static SimulatedProvider Open(string dataDirectory, byte[]? measurement = null)
    {
        var dir = Path.Combine(DataDirectory.Open(dataDirectory).Path, StoreFolder);
        if (!Directory.Exists(dir)) CreateStore(dir);
        var provider = Load(dir, measurement ?? BuildMeasurement.Current());
        // Once per simulated root per process (a command is one process): a second provider on the same root adds nothing.
        bool first;
        lock (Warned) first = Warned.Add(provider.ArkFingerprint);
        if (first)
            Serilog.Log.Warning(
                "Attestation is SIMULATED (no SEV-SNP hardware): reports are signed by a simulated VCEK whose ARK {ArkFingerprint} is not AMD's; trust it only in development and tests",
                provider.ArkFingerprint);
        return provider;
    }

    public Task<AttestationEvidence> GetEvidenceAsync(ReadOnlyMemory<byte> reportData, CancellationToken ct)
    {
        if (reportData.Length != 64) throw new ArgumentException($"REPORT_DATA is 64 bytes, got {reportData.Length}", nameof(reportData));
        ct.ThrowIfCancellationRequested();
        var report = Sign(Unsigned(reportData.Span));
        return Task.FromResult(new AttestationEvidence(Kind, report.ToBytes(), _certificates));
    }

    /// <summary>ECDSA P-384/SHA-384 over bytes 0x000-0x29F; R and S stored as 72-byte little-endian (ABI "Signature").</summary>
    private AttestationReport Sign(AttestationReport unsigned)
    {
        var sig = _vcekKey.SignData(unsigned.SignedBytes(), HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var r = new byte[72];
        var s = new byte[72];
        sig.AsSpan(0, 48).CopyTo(r);
        sig.AsSpan(48, 48).CopyTo(s);
        r.AsSpan(0, 48).Reverse();
        s.AsSpan(0, 48).Reverse();
        return unsigned.With(r, s);
    }

    public void Dispose() => _vcekKey.Dispose();
}
