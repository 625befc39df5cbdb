using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MpcSigning.Bundle.Verification;
using MpcSigning.Hosting;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Coordinator;

namespace MpcSigning.Cli;

/// <summary>
/// mpcsign demo: the whole flow in one process, narrated. Writes an artifact, enrolls Alice (engineer), Bob and Carol
/// (stewards) with software authenticators, requests signing, has them approve, and verifies the bundle it wrote.
/// </summary>
internal static class DemoCommand
{
    private static readonly (string Name, string Email, Role Role)[] Cast =
    [
        ("Alice", "alice@example.com", Role.Engineer),
        ("Bob", "bob@example.com", Role.Steward),
        ("Carol", "carol@example.com", Role.Steward),
    ];

    public static Command Build()
    {
        var output = new Option<string>("--out") { Description = "Where to write artifact, bundle.json, ca.pem and trust-root.json", DefaultValueFactory = _ => "mpcsign-demo" };
        var cmd = new Command("demo", "Run the whole signing flow in one process and verify its bundle") { output };
        cmd.SetAction(p => CliApp.Execute(p, ctx => RunAsync(ctx, p.GetValue(output)!)));
        return cmd;
    }

    internal static async Task<int> RunAsync(CliContext ctx, string outDir)
    {
        var o = ctx.Out;
        Directory.CreateDirectory(outDir);
        var artifactPath = Path.Combine(outDir, "artifact");
        await File.WriteAllTextAsync(artifactPath, $"mpcsign demo artifact {Guid.NewGuid():N}\n");
        var sha = SHA256.HashData(await File.ReadAllBytesAsync(artifactPath));
        o.WriteLine($" 1. Wrote {artifactPath} (sha256:{Convert.ToHexStringLower(sha)})");

        await using var node = await NodeHost.StartAsync(ctx);
        o.WriteLine($" 2. Started node '{node.Config.NodeName}' (all roles in this process) on {node.Data.Path}");
        o.WriteLine($"    measurement {Convert.ToHexStringLower(node.EnclaveMeasurement)[..16]}... from a verified SEV-SNP report");
        var authenticators = node.Data.File("demo-authenticators");
        foreach (var (name, email, role) in Cast)
            o.WriteLine("    " + await FlowCommands.EnrollAsync(node.Client, node.RelyingParty, authenticators, name, email, role));
        o.WriteLine($" 3. Enrolled {string.Join(", ", Cast.Select(c => $"{c.Name} ({(c.Role == Role.Engineer ? "engineer" : "steward")})"))}");

        var requested = await node.Client.RequestSigningAsync(sha, "artifact", "demo");
        var sessionId = requested.SessionId.ToByteArray();
        var status = await node.Client.StatusAsync(sessionId);
        o.WriteLine($" 4. Requested signing: session {Convert.ToHexStringLower(sessionId)} needs {FlowCommands.Needed(status)}");

        var step = 5;
        foreach (var (name, email, _) in Cast)
        {
            status = await FlowCommands.ApproveAsync(node, sessionId, name, email, authenticators);
            var what = status.Phase == SessionPhase.Completed
                ? $"quorum reached:\n    {node.Config.Signers} signers each checked the approvals and ran a FROST DKG ({node.Config.Threshold}-of-{node.Config.Signers}); " +
                  $"the CA certified the group key;\n    {node.Config.Threshold} signers signed the DSSE envelope, every key share was zeroed; logged at index {status.LogIndex}"
                : "still needed: " + FlowCommands.Needed(status);
            o.WriteLine($" {step++}. {name} approved with a WebAuthn assertion over the session challenge; {what}");
        }
        if (status.Phase != SessionPhase.Completed)
            throw new CliException($"the session did not complete: {status.Phase} {status.Failure?.Message}");

        var bundlePath = Path.Combine(outDir, "bundle.json");
        await File.WriteAllBytesAsync(bundlePath, status.BundleJson.ToByteArray());
        await File.WriteAllTextAsync(Path.Combine(outDir, "ca.pem"), node.CertificateAuthority.Certificate.ExportCertificatePem() + "\n");
        await File.WriteAllBytesAsync(Path.Combine(outDir, "trust-root.json"), TrustMaterial.TrustedRootJson(node));
        var chain = node.Policy.Load() ?? throw new CliException("the node signed without a trust policy");
        var policyPath = TrustPolicyFiles.BesideTrustRoot(Path.Combine(outDir, "trust-root.json"));
        await File.WriteAllBytesAsync(policyPath, Policy.PolicyJson.WriteChain(chain));
        var pin = Policy.PolicyDigest.Of(chain.Versions[0].Policy);
        o.WriteLine($" {step++}. Wrote {bundlePath}, ca.pem, trust-root.json and {Path.GetFileName(policyPath)} in {outDir}");
        o.WriteLine($"    trust policy v{chain.Versions[^1].Policy.Version}; v1 (the bootstrap: Alice, Bob, Carol, the 1+2 rule, FROST " +
            $"{node.Config.Threshold}-of-{node.Config.Signers}, the measurement, CA and log key) has fingerprint {Convert.ToHexStringLower(pin)}");

        var caOnly = TrustMaterial.CaFromFile(Path.Combine(outDir, "ca.pem"));
        var trust = VerifyCommand.Trust(TrustMaterial.FromNode(node) with { CaCertificates = caOnly }, node.Config)
            with { Policies = Policy.PolicyChain.Verify(Policy.PolicyJson.ReadChain(await File.ReadAllBytesAsync(policyPath)), pin) };
        var result = MpcsignVerifier.Verify(await File.ReadAllBytesAsync(bundlePath), sha, trust);
        if (!result.Ok) throw new CliException($"the demo's own bundle did not verify ({result.Check}): {result.Message}");
        o.WriteLine($" {step}. Verified offline: signature over the DSSE PAE, certificate chain to ca.pem, log inclusion and checkpoint, " +
            "every approval, the quorum, the FROST threshold evidence (each share signed by a pinned signer identity) and the enclave measurement,\n    each against the trust policy pinned by that fingerprint (credentials, roles, rule, t-of-n, measurement, CA, log key)");
        o.WriteLine($"Bundle verified: {result.Message}.");
        return 0;
    }
}
