using System.CommandLine;
using MpcSigning.Cli;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Attestation;

public class AttestCommandsTests
{
    private string _tmp = "";

    [OneTimeSetUp]
    public void Setup() => Directory.CreateDirectory(_tmp = Path.Combine(Path.GetTempPath(), "mpcsign-attest-cli-" + Guid.NewGuid().ToString("N")));

    [OneTimeTearDown]
    public void Cleanup() => Directory.Delete(_tmp, recursive: true);

    internal static (int Exit, string Out, string Err) Invoke(params string[] args)
    {
        var root = new RootCommand("test");
        var dataDir = new Option<string?>("--data-dir");
        var config = new Option<string?>("--config");
        root.Options.Add(dataDir);
        root.Options.Add(config);
        root.Subcommands.Add(AttestCommands.Build(dataDir, config));
        var (o, e) = (new StringWriter(), new StringWriter());
        var exit = root.Parse(args).Invoke(new InvocationConfiguration { Output = o, Error = e });
        return (exit, o.ToString(), e.ToString());
    }

    private static string[] VerifyArgs(SnpSample s, params string[] extra) =>
        ["attest", "verify", "--report", SharedData.Path("snp", s.Name, "report.bin"), "--cert", SharedData.Path("snp", s.Name, "vcek.pem"),
         "--at", "2026-06-01T00:00:00Z", "--report-data", Convert.ToHexStringLower(s.ReportData), .. extra];

    [TestCase("milan-v2-virtee")]
    [TestCase("genoa-v3-azure")]
    public void Verify_RealSampleUnderStrictPolicy_ExitsZeroAndPrintsSummary(string name)
    {
        var (exit, output, _) = Invoke(VerifyArgs(SnpSample.All.Single(s => s.Name == name)));
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("verdict:        OK").And.Contain("measurement:").And.Contain("reported tcb:"));
    }

    [Test]
    public void Verify_DebugSampleWithAllowDebug_ExitsZero() =>
        Assert.That(Invoke(VerifyArgs(SnpSample.GoSevGuest, "--allow-debug")).Exit, Is.EqualTo(0));

    [Test]
    public void Verify_ProvisionalSampleWithFlag_ExitsZeroAndWithoutFlagExitsOne()
    {
        Assert.That(Invoke(VerifyArgs(SnpSample.Trustee, "--allow-provisional-firmware")).Exit, Is.EqualTo(0));
        var (exit, _, err) = Invoke(VerifyArgs(SnpSample.Trustee));
        Assert.That((exit, err.Contains("ProvisionalFirmware")), Is.EqualTo((1, true)));
    }

    [TestCase("--product", "Genoa", "ProductMismatch")]
    [TestCase("--policy-hash", "0000000000000000000000000000000000000000000000000000000000000000", "MeasurementMismatch")]
    [TestCase("--report-data", "00", "ReportDataMismatch")]
    [TestCase("--vmpl", "2", "VmplMismatch")]
    public void Verify_MismatchedOption_ExitsOneNamingTheCheck(string option, string value, string code)
    {
        var args = VerifyArgs(SnpSample.Virtee).ToList();
        var i = args.IndexOf(option);
        if (i >= 0) args[i + 1] = value; else args.AddRange([option, value]);
        var (exit, _, err) = Invoke([.. args]);
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(err, Does.Contain(code));
    }

    [Test]
    public void Verify_WrongProductRootsGivenExplicitly_ExitsOne()
    {
        var (exit, _, err) = Invoke(VerifyArgs(SnpSample.Virtee, "--ark", SharedData.Path("snp", "roots", "ark_genoa.pem"), "--ask", SharedData.Path("snp", "roots", "ask_genoa.pem")));
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(err, Does.Contain("ChainNameMismatch"));
    }

    [Test]
    public void Verify_FlippedMeasurementByte_ExitsOneWithSignatureInvalid()
    {
        var bytes = SnpSample.Virtee.Report;
        bytes[0x90] ^= 1;
        var file = Path.Combine(_tmp, "flipped.bin");
        File.WriteAllBytes(file, bytes);
        var args = VerifyArgs(SnpSample.Virtee);
        args[3] = file;
        var (exit, _, err) = Invoke(args);
        Assert.That((exit, err.Contains("SignatureInvalid")), Is.EqualTo((1, true)));
    }

    [Test]
    public void Verify_MissingReportFile_PrintsOneLineAndExitsTwo()
    {
        var args = VerifyArgs(SnpSample.Virtee);
        args[3] = Path.Combine(_tmp, "nope.bin");
        var (exit, _, err) = Invoke(args);
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err.Trim().Split('\n'), Has.Length.EqualTo(1));
    }

    [Test]
    public void PolicyHash_FromReportAndFromMeasurement_AgreeWithFieldsTxtMeasurement()
    {
        var measurement = SnpSample.Virtee.Fields()["measurement"];
        var fromReport = Invoke("attest", "policy-hash", "--report", SharedData.Path("snp", "milan-v2-virtee", "report.bin"));
        var fromHex = Invoke("attest", "policy-hash", "--measurement", measurement);
        Assert.That(fromReport.Exit, Is.EqualTo(0));
        Assert.That(fromReport.Out.Trim(), Is.EqualTo(fromHex.Out.Trim()).And.Length.EqualTo(64));
    }

    [Test]
    public void PolicyHash_ShortMeasurement_ExitsTwoSayingTheLength()
    {
        var (exit, _, err) = Invoke("attest", "policy-hash", "--measurement", "abcd");
        Assert.That((exit, err.Contains("exactly 48 bytes")), Is.EqualTo((2, true)));
    }

    [Test]
    public void Report_SimulatedNotAllowed_ExitsTwoNamingTheVariable()
    {
        using var env = new EnvScope(("MPCSIGN_ATTESTATION_PROVIDER", "simulated"), ("MPCSIGN_ALLOW_SIMULATED_ATTESTATION", "false"));
        var (exit, _, err) = Invoke("--data-dir", _tmp, "attest", "report", "--nonce", "01");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("MPCSIGN_ALLOW_SIMULATED_ATTESTATION"));
    }

    [Test]
    public void Report_SimulatedAllowed_WritesEvidenceThatVerifiesOnlyWithItsArkPinned()
    {
        using var env = new EnvScope(("MPCSIGN_ATTESTATION_PROVIDER", "simulated"), ("MPCSIGN_ALLOW_SIMULATED_ATTESTATION", "true"));
        var file = Path.Combine(_tmp, "sim.bin");
        var (exit, output, err) = Invoke("--data-dir", _tmp, "attest", "report", "--nonce", "abcdef", "--out", file);
        Assert.That(exit, Is.EqualTo(0), err);
        Assert.That(output, Does.Contain("provider:       simulated"));
        var baseArgs = new[] { "attest", "verify", "--report", file, "--cert", file + ".vcek.der", "--report-data", "abcdef" };
        Assert.That(Invoke([.. baseArgs, "--ark", file + ".ark.der", "--ask", file + ".ask.der"]).Exit, Is.EqualTo(0));
        var (rejected, _, why) = Invoke([.. baseArgs, "--ask", file + ".ask.der"]);
        Assert.That(rejected, Is.EqualTo(1), "without the ARK pinned, AMD's Genoa ARK cannot have signed the simulated ASK");
        Assert.That(why, Does.Contain("Chain"));
    }

    /// <summary>
    /// The real binary, as on a development machine: no attestation variables set, a configuration file that allows
    /// simulation. 'attest report' reads it as the node does (config/mpcsign.json ships with AllowSimulated true).
    /// </summary>
    [TestCase(true, 0, "provider:       simulated")]
    [TestCase(false, 2, "MPCSIGN_ALLOW_SIMULATED_ATTESTATION=true")]
    public void Report_ConfigFileAttestationSettings_HonouredLikeTheNode(bool allowSimulated, int exit, string says)
    {
        var config = Path.Combine(_tmp, $"mpcsign-{allowSimulated}.json");
        File.WriteAllText(config, $$"""{ "Attestation": { "Provider": "simulated", "AllowSimulated": {{(allowSimulated ? "true" : "false")}} } }""");
        (string, string)[] unset = [("MPCSIGN_ALLOW_SIMULATED_ATTESTATION", ""), ("MPCSIGN_ATTESTATION_PROVIDER", "")];
        var r = Mpcsign.RunWith(unset, Path.Combine(_tmp, "cli-data"), "attest", "report", "--nonce", "0102", "--config", config);
        Assert.That(r.ExitCode, Is.EqualTo(exit), r.Err);
        Assert.That(r.Out + r.Err, Does.Contain(says));
    }

    [Test]
    public void Report_EnvironmentOverridesConfigFile_LikeTheNode()
    {
        var config = Path.Combine(_tmp, "mpcsign-env.json");
        File.WriteAllText(config, """{ "Attestation": { "Provider": "simulated", "AllowSimulated": true } }""");
        var r = Mpcsign.RunWith([("MPCSIGN_ALLOW_SIMULATED_ATTESTATION", "no")], Path.Combine(_tmp, "cli-data"), "attest", "report", "--nonce", "01", "--config", config);
        Assert.That(r.ExitCode, Is.EqualTo(2), r.Out);
        Assert.That(r.Err, Does.Contain("MPCSIGN_ALLOW_SIMULATED_ATTESTATION"));
        Assert.That(r.Err.Trim().Split('\n'), Has.Length.EqualTo(1), r.Err);
    }

    /// <summary>Sets environment variables for one test and restores them.</summary>
    private sealed class EnvScope : IDisposable
    {
        private readonly (string Key, string? Old)[] _saved;

        public EnvScope(params (string Key, string Value)[] vars)
        {
            _saved = vars.Select(v => (v.Key, Environment.GetEnvironmentVariable(v.Key))).ToArray();
            foreach (var (k, v) in vars) Environment.SetEnvironmentVariable(k, v);
        }

        public void Dispose()
        {
            foreach (var (k, old) in _saved) Environment.SetEnvironmentVariable(k, old);
        }
    }
}
