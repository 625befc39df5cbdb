using BenchmarkDotNet.Attributes;
using MpcSigning.Attestation;
using MpcSigning.Attestation.Verification;

namespace MpcSigning.Benchmarks;

/// <summary>
/// Verifying one real Milan report (milan-v2-virtee from ../shared/snp): with the certificate chain cached (what
/// a link re-attestation costs) and without (first contact: three RSA-4096 PSS checks more).
/// </summary>
[MemoryDiagnoser]
public class AttestationVerifyBenchmarks
{
    private byte[] _report = [];
    private AttestationCertificates _certs = null!;
    private byte[] _reportData = [];
    private readonly VerifiedChainCache _cache = new();
    private static readonly DateTimeOffset At = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [GlobalSetup]
    public void Setup()
    {
        var dir = FindSample("milan-v2-virtee");
        _report = File.ReadAllBytes(Path.Combine(dir, "report.bin"));
        var pem = File.ReadAllText(Path.Combine(dir, "vcek.pem"));
        _certs = new AttestationCertificates(System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(pem).RawData);
        _reportData = _report.AsSpan(0x50, 64).ToArray();
        if (!Cached().Ok) throw new InvalidOperationException("the sample does not verify");
    }

    [Benchmark(Baseline = true)]
    public AttestationVerdict Cached() => AttestationVerifier.Verify(_report, _certs, AttestationPolicy.Strict, _reportData, At, _cache);

    [Benchmark]
    public AttestationVerdict Uncached() => AttestationVerifier.Verify(_report, _certs, AttestationPolicy.Strict, _reportData, At);

    private static string FindSample(string name)
    {
        var env = Environment.GetEnvironmentVariable("MPCSIGN_SHARED");
        if (!string.IsNullOrEmpty(env)) return Path.Combine(env, "snp", name);
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "shared", "snp", name);
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("../shared/snp not found; set MPCSIGN_SHARED");
    }
}
