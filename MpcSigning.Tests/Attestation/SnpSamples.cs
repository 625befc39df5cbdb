using MpcSigning.Attestation;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Attestation;

/// <summary>
/// The real SEV-SNP samples in ../shared/snp (see its SOURCES.md): report bytes, the V[CL]EK, and the policy
/// each one verifies under. Read in place, never copied.
/// </summary>
public sealed record SnpSample(string Name, AttestationPolicy MatchingPolicy)
{
    /// <summary>Inside every sample certificate's validity (the earliest ends 2029-09-24).</summary>
    public static readonly DateTimeOffset At = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly SnpSample GoSevGuest = new("milan-v2-gosevguest", new AttestationPolicy { AllowDebug = true });
    public static readonly SnpSample Virtee = new("milan-v2-virtee", AttestationPolicy.Strict);
    public static readonly SnpSample Trustee = new("milan-v2-trustee", new AttestationPolicy { AllowProvisionalFirmware = true });
    public static readonly SnpSample GenoaAzure = new("genoa-v3-azure", AttestationPolicy.Strict);

    public static IEnumerable<SnpSample> All => [GoSevGuest, Virtee, Trustee, GenoaAzure];

    public byte[] Report => File.ReadAllBytes(SharedData.Path("snp", Name, "report.bin"));

    public byte[] VcekDer => Der(SharedData.Path("snp", Name, "vcek.pem"));

    public AttestationCertificates Certificates => new(VcekDer);

    public byte[] ReportData => Report.AsSpan(0x50, 64).ToArray();

    /// <summary>fields.txt as key -> value text: "key value" and "key=value" pairs as written there.</summary>
    public Dictionary<string, string> Fields()
    {
        var d = new Dictionary<string, string>();
        foreach (var line in File.ReadAllLines(SharedData.Path("snp", Name, "fields.txt")))
        {
            var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i < tokens.Length; i++)
            {
                var eq = tokens[i].IndexOf('=');
                if (eq > 0) d.TryAdd(tokens[i][..eq], tokens[i][(eq + 1)..]);
                else if (i == 0 && tokens.Length > 1) d.TryAdd(tokens[0], tokens[1]);
            }
        }
        return d;
    }

    public static byte[] Der(string pemOrDerPath)
    {
        var text = File.ReadAllText(pemOrDerPath);
        return text.Contains("-----BEGIN") ? System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(text).RawData
            : File.ReadAllBytes(pemOrDerPath);
    }

    public static byte[] Root(string file) => Der(SharedData.Path("snp", "roots", file));

    public override string ToString() => Name;
}
