using System.Buffers.Binary;
using MpcSigning.Attestation;
using MpcSigning.Attestation.Providers;
using MpcSigning.Attestation.Providers.Simulated;
using MpcSigning.Attestation.Report;
using MpcSigning.Attestation.Verification;
using MpcSigning.Tests.Attestation;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Fuzzing;

/// <summary>
/// The SEV-SNP report parser and verifier under mutation, starting from the real reports in ../shared/snp and from
/// reports of the simulated provider. Every byte of a report is covered by the signature (0x000-0x29F), is the
/// signature (0x2A0-0x32F, with bytes 48-71 of R and S required zero) or is reserved and required zero (0x330-0x49F),
/// so no changed report may verify; a changed VCEK may not either. The parser also keeps its round-trip promise.
/// </summary>
[Category("Fuzz")]
[NonParallelizable]
public class SnpReportFuzzTests
{
    /// <summary>Parser inputs at scale 1; a few percent also reach the full verifier (see <see cref="Generate"/>).</summary>
    private const long Inputs = 400_000;
    private const double VerifyShare = 0.02;
    private const long TableInputs = 100_000;

    private sealed record Seed(string Name, byte[] Report, AttestationCertificates Certs, AttestationPolicy Policy, byte[] ReportData, DateTimeOffset At);

    private sealed record Input(Seed Seed, byte[] Report, AttestationCertificates Certs, bool Verify, string Mutation);

    // (offset, width) of the fields the parser gates on and of the signed fields a verifier decides by.
    private static readonly (int At, int Width)[] Fields =
    [
        (0x000, 4), (0x004, 4), (0x008, 8), (0x030, 4), (0x034, 4), (0x038, 8), (0x040, 8), (0x048, 4), (0x04C, 4), (0x050, 64),
        (0x090, 48), (0x180, 8), (0x188, 1), (0x189, 1), (0x18A, 1), (0x18B, 21), (0x1A0, 64), (0x1E0, 8), (0x1E8, 4), (0x1EC, 4),
        (0x1F0, 8), (0x1F8, 8), (0x200, 8), (0x208, 0x98), (0x2A0, 72), (0x2E8, 72), (0x330, 0x170),
    ];

    private static readonly ulong[] FieldValues = [0, 1, 2, 3, 4, 5, 6, 7, 0x1C, 0x1F, 0x20, 0xFF, 0x30000, 0xB0000, 0x80000, 0x40000, 0x10000, uint.MaxValue, ulong.MaxValue];

    private TempDir _dir = null!;
    private SimulatedProvider _simulated = null!;
    private Seed[] _seeds = null!;
    private byte[][] _corpus = null!;
    private readonly VerifiedChainCache _cache = new();

    [OneTimeSetUp]
    public async Task LoadSeeds()
    {
        _dir = new TempDir();
        _simulated = SimulatedProvider.Open(_dir.Path);
        var simulatedPolicy = AttestationPolicy.Strict with { TrustedSimulatedArkFingerprint = _simulated.ArkFingerprint };
        var now = DateTimeOffset.UtcNow;
        var seeds = SnpSample.All.Select(s => new Seed(s.Name, s.Report, s.Certificates, s.MatchingPolicy, s.ReportData, SnpSample.At)).ToList();
        for (var i = 0; i < 2; i++)
        {
            var data = new byte[64];
            data[0] = (byte)(i + 1);
            var e = await _simulated.GetEvidenceAsync(data, CancellationToken.None);
            seeds.Add(new Seed($"simulated-{i}", e.Report, e.Certificates, simulatedPolicy, data, now));
        }
        _seeds = [.. seeds];
        _corpus = [.. _seeds.Select(s => s.Report), File.ReadAllBytes(SharedData.Path("snp", "genoa-v3-azure", "hcl_report.bin"))];
        foreach (var s in _seeds)
            Assert.That(Verify(new Input(s, s.Report, s.Certs, true, "none")).Ok, Is.True, $"seed {s.Name} must verify before it is mutated");
    }

    [OneTimeTearDown]
    public void Cleanup()
    {
        _simulated.Dispose();
        _dir.Dispose();
    }

    [Test]
    public void ReportParserAndVerifier_MutatedReports_AreRefusedWithoutExceptionAndNoChangeVerifies() =>
        FuzzRunner.Run(new FuzzCampaign<Input>
        {
            Name = "snp-report",
            Inputs = Inputs,
            Generate = Generate,
            Check = Check,
            Describe = i => $"seed {i.Seed.Name}, mutation {i.Mutation}, report {FuzzRunner.Hex(i.Report)}" +
                            (ReferenceEquals(i.Certs, i.Seed.Certs) ? "" : $", VCEK {FuzzRunner.Base64(i.Certs.SigningKey)}"),
            SaveSeeds = SaveSimulated,
        });

    [Test]
    public void CertificateTable_MutatedHostTables_AreRefusedAsAttestationErrors()
    {
        // The host (hypervisor) writes this table: it is as untrusted as the report it comes with.
        var tables = _seeds.Select(s => CertificateTable.Build(
            [(CertificateTable.Vcek, s.Certs.SigningKey), (CertificateTable.Ask, s.Certs.Intermediate ?? SnpSample.Root("ask_milan.pem")), (CertificateTable.Ark, s.Certs.Root ?? SnpSample.Root("ark_milan.pem"))])).ToArray();
        FuzzRunner.Run(new FuzzCampaign<byte[]>
        {
            Name = "snp-certificate-table",
            Inputs = TableInputs,
            Generate = rng =>
            {
                var table = rng.Pick(tables);
                // Mostly the 96-byte header (GUIDs, offsets, lengths), where the parser decides; sometimes anywhere.
                return rng.Chance(0.7) ? ByteMutator.MutateInPlace(rng, table, 0, 96) : ByteMutator.Mutate(rng, table, tables);
            },
            Check = table =>
            {
                var parsed = CertificateTable.Parse(table);
                var certs = CertificateTable.ToCertificates(parsed, "the fuzzed table");
                return certs.SigningKey.Length > 0 ? $"parsed ({parsed.Count} entries)" : "parsed (empty VCEK)";
            },
            Describe = b => FuzzRunner.Hex(b, 256),
            IsRefusal = e => e is AttestationException,
        });
    }

    /// <summary>The simulated hierarchy is made per run: saved on failure with its reports, so an input can be checked again.</summary>
    private string SaveSimulated(string dir)
    {
        foreach (var s in _seeds.Where(s => s.Name.StartsWith("simulated", StringComparison.Ordinal)))
        {
            File.WriteAllBytes(Path.Combine(dir, s.Name + ".report.bin"), s.Report);
            File.WriteAllBytes(Path.Combine(dir, s.Name + ".vcek.der"), s.Certs.SigningKey);
            File.WriteAllBytes(Path.Combine(dir, s.Name + ".ask.der"), s.Certs.Intermediate ?? []);
            File.WriteAllBytes(Path.Combine(dir, s.Name + ".ark.der"), s.Certs.Root ?? []);
        }
        return $"The simulated reports and certificates of this run are in {dir} (verified at {_seeds[^1].At:O}).\n";
    }

    private Input Generate(FuzzRng rng)
    {
        var seed = rng.Pick(_seeds);
        var report = seed.Report;
        var certs = seed.Certs;
        string mutation;
        switch (rng.Next(100))
        {
            case < 30:
            {
                var (start, end) = rng.Pick(new[] { (0, 0x2A0), (0x2A0, 0x330), (0x330, 0x4A0), (0, 0x4A0) });
                report = ByteMutator.MutateInPlace(rng, report, start, end);
                mutation = $"in place 0x{start:x}-0x{end:x}";
                break;
            }
            case < 55:
            {
                // A field set to a value the parser or the policy decides by, so many inputs pass the parser.
                report = (byte[])report.Clone();
                var n = rng.Small(3);
                Span<byte> v = stackalloc byte[8];
                for (var k = 0; k < n; k++)
                {
                    var (at, width) = rng.Pick(Fields);
                    var span = report.AsSpan(at, width);
                    if (width is 1 or 4 or 8 && rng.Chance(0.7))
                    {
                        BinaryPrimitives.WriteUInt64LittleEndian(v, rng.Pick(FieldValues));
                        v[..width].CopyTo(span);
                    }
                    else if (rng.Chance(0.5)) span.Clear();
                    else rng.Fill(span[..rng.Next(1, width + 1)]);
                }
                mutation = "fields";
                break;
            }
            case < 75:
                report = ByteMutator.Mutate(rng, report, _corpus, maxLength: 0x1000);
                mutation = "bytes";
                break;
            case < 83:
            {
                // Splice two reports at one offset: a header from one, the rest (or the signature) from another.
                var other = rng.Pick(_seeds).Report;
                var cut = rng.Chance(0.5) ? 0x2A0 : rng.Next(1, 0x4A0);
                report = [.. report.AsSpan(0, cut), .. other.AsSpan(cut)];
                mutation = $"splice at 0x{cut:x}";
                break;
            }
            case < 86:
                report = rng.Bytes(0x4A0);
                report[0] = (byte)rng.Pick(new[] { 2, 3, 5 });
                report[0x34] = 1;
                mutation = "random full-length";
                break;
            case < 99:
                report = ByteMutator.MutateInPlace(rng, report, 0, 0x4A0);
                mutation = "in place anywhere";
                break;
            default:
            {
                // The V[CL]EK mutated (the report too, sometimes): a changed certificate may not verify either.
                var der = ByteMutator.Mutate(rng, certs.SigningKey, maxLength: 8192);
                certs = certs with { SigningKey = der };
                if (rng.Chance(0.3)) report = ByteMutator.MutateInPlace(rng, report, 0, 0x4A0);
                mutation = "certificate";
                break;
            }
        }
        if (ReferenceEquals(certs, seed.Certs) && report.AsSpan().SequenceEqual(seed.Report))
        {
            // The mutation happened to change nothing (a zero written over a zero): flip one bit instead.
            report = (byte[])report.Clone();
            report[rng.Next(report.Length)] ^= (byte)(1 << rng.Next(8));
            mutation += ", then a bit flip";
        }
        // Verifying costs an ECDSA P-384 check, so only a share of inputs goes that far: every changed certificate,
        // an eighth of the reports whose signed bytes are intact (signature or reserved bytes changed), and a few
        // of the rest. The parser sees every input.
        var signedBytesIntact = report.Length == seed.Report.Length && report.AsSpan(0, 0x2A0).SequenceEqual(seed.Report.AsSpan(0, 0x2A0));
        var verify = !ReferenceEquals(certs, seed.Certs) || rng.Chance(signedBytesIntact ? 0.12 : VerifyShare);
        return new Input(seed, report, certs, verify, mutation);
    }

    private string Check(Input input)
    {
        if (!AttestationReport.TryParse(input.Report, out var parsed, out var code, out var message))
        {
            if (code == AttestationError.None || message.Length == 0) throw new FuzzViolation($"parser refused without a code or message ({code})");
            if (!input.Verify) return "parse refused " + code;
        }
        else
        {
            // The parser's promise: ToBytes writes back exactly the bytes it parsed; the summary prints any report.
            if (!parsed!.ToBytes().AsSpan().SequenceEqual(input.Report))
                throw new FuzzViolation("a parsed report does not write back to the bytes it was parsed from");
            _ = ReportSummary.Format(parsed, SevProduct.Unknown);
            if (!input.Verify) return "parsed";
        }
        var verdict = Verify(input);
        if (verdict.Ok)
        {
            if (!input.Report.AsSpan().SequenceEqual(input.Seed.Report) || !input.Certs.SigningKey.AsSpan().SequenceEqual(input.Seed.Certs.SigningKey))
                throw new FuzzViolation($"a mutated report or VCEK verified: {verdict}");
            return "verified (unchanged)";
        }
        if (verdict.Code == AttestationError.None || verdict.Message.Length == 0) throw new FuzzViolation($"refusal without a code or message: {verdict}");
        return "verify refused " + verdict.Code;
    }

    private AttestationVerdict Verify(Input i) =>
        AttestationVerifier.Verify(i.Report, i.Certs, i.Seed.Policy, i.Seed.ReportData, i.Seed.At, _cache);
}
