using System.Diagnostics;

namespace MpcSigning.Tests.TLog;

/// <summary>
/// Sigstore's own verifier (@sigstore/verify, installed with npm into a temporary folder) against a bundle and
/// `mpcsign trust-root` output given by MPCSIGN_DEMO_BUNDLE and MPCSIGN_TRUSTED_ROOT. Explicit until the demo
/// produces the bundle; the lead wires the paths.
/// </summary>
[Explicit("needs the demo's bundle and trusted root (MPCSIGN_DEMO_BUNDLE, MPCSIGN_TRUSTED_ROOT) and npm access")]
public class SigstoreJsVerifierTests
{
    private const string Script = """
        const fs = require('fs');
        const { bundleFromJSON } = require('@sigstore/bundle');
        const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');
        const { TrustedRoot } = require('@sigstore/protobuf-specs');
        const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(process.argv[2], 'utf8')));
        const root = TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(process.argv[3], 'utf8')));
        const verifier = new Verifier(toTrustMaterial(root), { ctlogThreshold: 0, tlogThreshold: 1, timestampThreshold: 1 });
        verifier.verify(toSignedEntity(bundle));
        console.log('verified');
        """;

    [Test]
    public void SigstoreVerify_DemoBundle_AcceptedAndTamperedRejected()
    {
        var bundle = Environment.GetEnvironmentVariable("MPCSIGN_DEMO_BUNDLE") ?? throw new InconclusiveException("MPCSIGN_DEMO_BUNDLE not set");
        var trustRoot = Environment.GetEnvironmentVariable("MPCSIGN_TRUSTED_ROOT") ?? throw new InconclusiveException("MPCSIGN_TRUSTED_ROOT not set");
        var work = Directory.CreateTempSubdirectory("sigstore-js-").FullName;
        Assert.That(Run("npm", work, "install", "--silent", "--no-audit", "--no-fund", "@sigstore/verify", "@sigstore/bundle", "@sigstore/protobuf-specs").Code, Is.Zero);
        File.WriteAllText(Path.Combine(work, "verify.js"), Script);
        var ok = Run("node", work, "verify.js", bundle, trustRoot);
        Assert.That(ok.Code, Is.Zero, ok.Output);

        // Flip one character of the canonicalized body: the SET, the inclusion proof and the body check must fail.
        var text = File.ReadAllText(bundle);
        var m = System.Text.RegularExpressions.Regex.Match(text, "\"canonicalizedBody\"\\s*:\\s*\"");
        Assert.That(m.Success, "bundle has no canonicalizedBody");
        var at = m.Index + m.Length + 10;
        var tampered = Path.Combine(work, "tampered.json");
        File.WriteAllText(tampered, text[..at] + (text[at] == 'A' ? 'B' : 'A') + text[(at + 1)..]);
        Assert.That(Run("node", work, "verify.js", tampered, trustRoot).Code, Is.Not.Zero);
    }

    private static (int Code, string Output) Run(string exe, string cwd, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output + err.Result);
    }
}
