using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using MpcSigning.Attestation;
using MpcSigning.Attestation.Report;
using MpcSigning.Attestation.Verification;

namespace MpcSigning.Cli;

public static partial class AttestCommands
{
    private static Command VerifyCommand()
    {
        var report = new Option<string>("--report") { Description = "The 0x4A0-byte report file", Required = true };
        var cert = new Option<string>("--cert") { Description = "The VCEK or VLEK (PEM or DER)", Required = true };
        var ark = new Option<string?>("--ark") { Description = "An ARK to trust explicitly (PEM or DER); needs --ask" };
        var ask = new Option<string?>("--ask") { Description = "The ASK (or ASVK for a VLEK) (PEM or DER)" };
        var product = new Option<string?>("--product") { Description = "Milan, Genoa or Turin: use AMD's shipped roots for it" };
        var policyHash = new Option<string?>("--policy-hash") { Description = "Pinned TEE_POLICY_HASH (64 hex)" };
        var reportData = new Option<string?>("--report-data") { Description = "Expected REPORT_DATA (hex, up to 64 bytes, zero-padded)" };
        var at = new Option<string?>("--at") { Description = "Check certificate validity at this ISO-8601 time (default: now)" };
        var vmpl = new Option<uint>("--vmpl") { Description = "Required VMPL", DefaultValueFactory = _ => 0 };
        var allowDebug = new Option<bool>("--allow-debug") { Description = "Accept DEBUG=1 guests" };
        var allowProvisional = new Option<bool>("--allow-provisional-firmware") { Description = "Accept committed TCB/firmware older than current (never newer; the VCEK TCB must still be at most current)" };
        var cmd = new Command("verify", "Verify a report against AMD's roots and a policy (strict by default). Exit 0 only when it verifies.");
        foreach (var o in new Option[] { report, cert, ark, ask, product, policyHash, reportData, at, vmpl, allowDebug, allowProvisional }) cmd.Options.Add(o);
        cmd.SetAction(pr => Run(pr, () =>
        {
            var bytes = Inputs.ReadFile(pr.GetValue(report)!, "--report");
            var policy = AttestationPolicy.Strict with
            {
                Vmpl = pr.GetValue(vmpl), AllowDebug = pr.GetValue(allowDebug), AllowProvisionalFirmware = pr.GetValue(allowProvisional),
            };
            if (pr.GetValue(product) is { } p)
                policy = policy with { Product = SevProducts.TryParse(p, out var sp) ? sp : throw new FormatException($"--product is '{p}'; use Milan, Genoa or Turin") };
            if (pr.GetValue(policyHash) is { } ph)
                policy = policy with { TeePolicyHash = TeePolicyHash.Validate(ph, "--policy-hash") is { } err ? throw new FormatException(err) : ph.ToLowerInvariant() };
            byte[]? arkDer = null;
            if (pr.GetValue(ark) is { } arkFile)
            {
                if (pr.GetValue(ask) is null) throw new FormatException("--ark needs --ask: give the intermediate that the ARK signed");
                arkDer = ReadCertificate(arkFile, "--ark");
                // The operator named this root on the command line: that is the explicit pin.
                policy = policy with { TrustedSimulatedArkFingerprint = Convert.ToHexStringLower(SHA256.HashData(arkDer)) };
            }
            var certs = new AttestationCertificates(ReadCertificate(pr.GetValue(cert)!, "--cert"),
                pr.GetValue(ask) is { } askFile ? ReadCertificate(askFile, "--ask") : null, arkDer);
            var when = pr.GetValue(at) is { } t
                ? DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed
                    : throw new FormatException($"--at '{t}' is not an ISO-8601 time such as 2026-01-31T12:00:00Z")
                : DateTimeOffset.UtcNow;
            var o = pr.InvocationConfiguration.Output;
            byte[] expected;
            if (pr.GetValue(reportData) is { } rd)
            {
                expected = Hex(rd, "--report-data", max: 64);
                Array.Resize(ref expected, 64);
            }
            else
            {
                expected = bytes.Length == 0x4A0 ? bytes.AsSpan(0x50, 64).ToArray() : new byte[64];
                o.WriteLine("note: no --report-data given; REPORT_DATA is shown but not checked");
            }
            var verdict = AttestationVerifier.Verify(bytes, certs, policy, expected, when);
            if (verdict.Report is { } parsedReport) o.WriteLine(ReportSummary.Format(parsedReport, verdict.Product));
            o.WriteLine(verdict.Ok ? $"verdict:        OK ({verdict.Message})" : $"verdict:        REJECTED {verdict.Code}: {verdict.Message}");
            if (!verdict.Ok) pr.InvocationConfiguration.Error.WriteLine($"mpcsign attest verify: {verdict.Code}: {verdict.Message}");
            return verdict.Ok ? 0 : 1;
        }));
        return cmd;
    }
}
