using System.CommandLine;
using System.Security.Cryptography;
using MpcSigning.Attestation;
using MpcSigning.Attestation.Report;
using MpcSigning.Attestation.Verification;
using MpcSigning.Hosting;

namespace MpcSigning.Cli;

/// <summary>`mpcsign attest report|verify|policy-hash`. Errors print one line to stderr and exit 2 (3 without libsodium); a rejected report exits 1.</summary>
public static partial class AttestCommands
{
    public static Command Build(Option<string?> dataDirOption, Option<string?> configOption)
    {
        var attest = new Command("attest", "SEV-SNP attestation: make, verify and pin reports.");
        attest.Subcommands.Add(ReportCommand(dataDirOption, configOption));
        attest.Subcommands.Add(VerifyCommand());
        attest.Subcommands.Add(PolicyHashCommand());
        return attest;
    }

    private static Command ReportCommand(Option<string?> dataDirOption, Option<string?> configOption)
    {
        var nonce = new Option<string>("--nonce") { Description = "Up to 64 bytes of hex for REPORT_DATA (zero-padded)", Required = true };
        var output = new Option<string?>("--out") { Description = "Write the report here, and its certificates to FILE.vcek.der/.ask.der/.ark.der" };
        var cmd = new Command("report",
            "Get a report from the provider the node would use (configuration file, then MPCSIGN_ATTESTATION_PROVIDER and MPCSIGN_ALLOW_SIMULATED_ATTESTATION).");
        cmd.Options.Add(nonce);
        cmd.Options.Add(output);
        cmd.SetAction(pr => Run(pr, () =>
        {
            var data = Hex(pr.GetValue(nonce)!, "--nonce", max: 64);
            Array.Resize(ref data, 64);
            // The node's own reading of the configuration, so a report made here comes from the provider the node would use.
            var options = NodeAttestation.Options(NodeConfig.Load(pr.GetValue(configOption), Environment.GetEnvironmentVariable));
            var provider = AttestationProviders.Create(options, DataDirectory.Open(pr.GetValue(dataDirOption)).Path);
            var evidence = provider.GetEvidenceAsync(data, CancellationToken.None).GetAwaiter().GetResult();
            var o = pr.InvocationConfiguration.Output;
            o.WriteLine($"provider:       {evidence.ProviderKind}");
            o.WriteLine(ReportSummary.Format(AttestationReport.Parse(evidence.Report), SevProduct.Unknown));
            if (pr.GetValue(output) is { } file)
            {
                File.WriteAllBytes(file, evidence.Report);
                File.WriteAllBytes(file + ".vcek.der", evidence.Certificates.SigningKey);
                if (evidence.Certificates.Intermediate is { } ask) File.WriteAllBytes(file + ".ask.der", ask);
                if (evidence.Certificates.Root is { } ark) File.WriteAllBytes(file + ".ark.der", ark);
                o.WriteLine($"wrote {file} and its certificates");
            }
            else o.WriteLine(Convert.ToHexStringLower(evidence.Report));
            return 0;
        }));
        return cmd;
    }

    private static Command PolicyHashCommand()
    {
        var report = new Option<string?>("--report") { Description = "A report file" };
        var measurement = new Option<string?>("--measurement") { Description = "A 48-byte MEASUREMENT in hex" };
        var cmd = new Command("policy-hash", "Print the TEE_POLICY_HASH (SHA-256 of MEASUREMENT) to pin for a measured build.");
        cmd.Options.Add(report);
        cmd.Options.Add(measurement);
        cmd.SetAction(pr => Run(pr, () =>
        {
            var m = (pr.GetValue(report), pr.GetValue(measurement)) switch
            {
                ({ } file, null) => AttestationReport.Parse(Inputs.ReadFile(file, "--report")).Measurement,
                (null, { } hex) => Hex(hex, "--measurement", max: 48, exact: true),
                _ => throw new FormatException("give exactly one of --report FILE or --measurement HEX"),
            };
            pr.InvocationConfiguration.Output.WriteLine(TeePolicyHash.Of(m));
            return 0;
        }));
        return cmd;
    }

    internal static int Run(ParseResult pr, Func<int> action)
    {
        try { return action(); }
        catch (Exception e) when (e is AttestationException or IOException or FormatException or UnauthorizedAccessException or CryptographicException
                                      or Interop.SodiumUnavailableException or ConfigException)
        {
            pr.InvocationConfiguration.Error.WriteLine("mpcsign attest: " + e.Message);
            return e is Interop.SodiumUnavailableException ? CliErrors.MissingLibrary : 2;
        }
    }

    internal static byte[] Hex(string text, string option, int max, bool exact = false)
    {
        byte[] bytes;
        try { bytes = Convert.FromHexString(text.Trim()); }
        catch (FormatException) { throw new FormatException($"{option} must be hex (0-9, a-f), an even number of characters"); }
        if (bytes.Length > max || (exact && bytes.Length != max))
            throw new FormatException($"{option} is {bytes.Length} bytes; it must be {(exact ? "exactly" : "at most")} {max} bytes");
        return bytes;
    }

    /// <summary>Reads a certificate as PEM or DER.</summary>
    internal static byte[] ReadCertificate(string file, string option)
    {
        var bytes = Inputs.ReadFile(file, option);
        var text = System.Text.Encoding.ASCII.GetString(bytes);
        if (!text.Contains("-----BEGIN CERTIFICATE-----")) return bytes;
        var found = PemEncoding.Find(text);
        try { return Convert.FromBase64String(text[found.Base64Data]); }
        catch (FormatException) { throw new FormatException($"{option} {file}: the PEM certificate is not valid base64"); }
    }
}
