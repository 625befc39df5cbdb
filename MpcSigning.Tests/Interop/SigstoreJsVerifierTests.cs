using System.Diagnostics;
using System.Text.Json.Nodes;
using MpcSigning.Cli;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Interop;

/// <summary>
/// Sigstore's own verifier (@sigstore/verify, installed with npm into a temporary folder) accepts a bundle from mpcsign
/// against `mpcsign trust-root`, offline: ctlogThreshold 0, tlogThreshold 1, timestampThreshold 1, DSSE without artifact.
/// </summary>
[NonParallelizable]
public class SigstoreJsVerifierTests
{
    private const string Script = """
        const fs = require('fs');
        const { bundleFromJSON } = require('@sigstore/bundle');
        const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');
        const { TrustedRoot } = require('@sigstore/protobuf-specs');
        const [bundlePath, rootPath] = process.argv.slice(2);
        try {
          const trust = toTrustMaterial(TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(rootPath, 'utf8'))));
          const verifier = new Verifier(trust, { ctlogThreshold: 0, tlogThreshold: 1, timestampThreshold: 1 });
          verifier.verify(toSignedEntity(bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath, 'utf8')))));
          console.log('VERIFIED');
        } catch (e) {
          console.log('REJECTED: ' + (e.code ? e.code + ': ' : '') + e.message);
          process.exit(1);
        }
        """;

    private TempDir _dir = null!;
    private TestNode _node = null!;
    private string _bundle = null!;

    [OneTimeSetUp]
    public async Task InstallVerifierAndSign()
    {
        _dir = new TempDir();
        var install = Run("npm", "install", "--no-audit", "--no-fund", "--silent", "@sigstore/verify@4", "@sigstore/bundle@5");
        Assert.That(install.Code, Is.EqualTo(0), "npm install @sigstore/verify failed (node and npm are required; .ci/run installs them): " + install.Output);
        File.WriteAllText(_dir.File("verify.js"), Script);

        _node = await TestNode.StartAsync();
        var s = await _node.RequestAsync();
        SessionStatus done = null!;
        foreach (var who in new[] { "alice@example.com", "bob@example.com", "carol@example.com" }) done = await _node.ApproveAsync(s, who);
        _bundle = done.BundleJson.ToStringUtf8();
        File.WriteAllBytes(_dir.File("trust-root.json"), TrustMaterial.TrustedRootJson(_node.Host));
    }

    [OneTimeTearDown]
    public async Task Clean()
    {
        await _node.DisposeAsync();
        _dir.Dispose();
    }

    private (int Code, string Output) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = _dir.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3))) p.Kill(true);
        return (p.ExitCode, output.Result + error.Result);
    }

    private (int Code, string Output) VerifyWithSigstore(string bundleJson)
    {
        var path = _dir.File("bundle-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, bundleJson);
        return Run("node", "verify.js", path, _dir.File("trust-root.json"));
    }

    [Test]
    public void SigstoreVerify_BundleFromMpcsign_IsAccepted()
    {
        var (code, output) = VerifyWithSigstore(_bundle);
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("VERIFIED"));
    }

    [TestCase("dsseEnvelope.signatures.0.sig")]
    [TestCase("dsseEnvelope.payload")]
    [TestCase("verificationMaterial.certificate.rawBytes")]
    [TestCase("verificationMaterial.tlogEntries.0.inclusionPromise.signedEntryTimestamp")]
    [TestCase("verificationMaterial.tlogEntries.0.canonicalizedBody")]
    public void SigstoreVerify_OneByteTampered_IsRejected(string field)
    {
        var root = JsonNode.Parse(_bundle)!;
        var path = field.Split('.');
        JsonNode parent = root;
        foreach (var step in path[..^1]) parent = int.TryParse(step, out var i) ? parent[i]! : parent[step]!;
        var bytes = Convert.FromBase64String(parent[path[^1]]!.GetValue<string>());
        bytes[bytes.Length / 2] ^= 0x01;
        parent[path[^1]] = Convert.ToBase64String(bytes);
        var (code, output) = VerifyWithSigstore(root.ToJsonString());
        Assert.That(code, Is.Not.EqualTo(0), output);
        Assert.That(output, Does.Contain("REJECTED"));
    }
}
