using System.Diagnostics;
using MpcSigning.Cli;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Interop;

/// <summary>
/// The bundle's inclusion proof and checkpoint, checked by code that shares nothing with mpcsign: RFC 9162 section
/// 2.1.3.2 in Python (standard library only) and the checkpoint's Ed25519 signature (C2SP signed note) with OpenSSL,
/// against the log key in `mpcsign trust-root`.
/// </summary>
[NonParallelizable]
public class IndependentProofVerifierTests
{
    private const string Script = """
        import base64, hashlib, json, subprocess, sys, tempfile, os
        bundle = json.load(open(sys.argv[1])); root_doc = json.load(open(sys.argv[2]))
        entry = bundle["verificationMaterial"]["tlogEntries"][0]; proof = entry["inclusionProof"]
        leaf = hashlib.sha256(b"\x00" + base64.b64decode(entry["canonicalizedBody"])).digest()
        index, size = int(proof["logIndex"]), int(proof["treeSize"])
        fn, sn, r = index, size - 1, leaf
        for p in (base64.b64decode(h) for h in proof["hashes"]):          # RFC 9162 2.1.3.2
            if sn == 0: sys.exit("proof too long")
            if fn % 2 == 1 or fn == sn:
                r = hashlib.sha256(b"\x01" + p + r).digest()
                while fn % 2 == 0 and fn != 0: fn >>= 1; sn >>= 1
            else:
                r = hashlib.sha256(b"\x01" + r + p).digest()
            fn >>= 1; sn >>= 1
        if sn != 0: sys.exit("proof too short")
        note = proof["checkpoint"]["envelope"]
        body, sigs = note.split("\n\n", 1)
        origin, note_size, note_root = body.split("\n")[:3]
        if int(note_size) != size or base64.b64decode(note_root) != r: sys.exit("root does not match the checkpoint")
        spki = base64.b64decode(root_doc["tlogs"][0]["publicKey"]["rawBytes"])
        log_id = hashlib.sha256(spki).digest()
        d = tempfile.mkdtemp()
        open(d + "/key.der", "wb").write(spki); open(d + "/msg", "wb").write((body + "\n").encode())
        ok = False
        for line in sigs.strip().split("\n"):
            raw = base64.b64decode(line.split(" ")[-1])
            if raw[:4] != log_id[:4]: continue
            open(d + "/sig", "wb").write(raw[4:])
            ok = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-keyform", "DER", "-inkey", d + "/key.der",
                                 "-rawin", "-in", d + "/msg", "-sigfile", d + "/sig"], capture_output=True).returncode == 0
        if not ok: sys.exit("no checkpoint signature by the log key verifies")
        print("INCLUDED", index, size)
        """;

    [Test]
    public async Task Bundle_InclusionProofAndCheckpoint_VerifyIndependently()
    {
        using var dir = new TempDir();
        await using var node = await TestNode.StartAsync();
        SessionStatus done = null!;
        for (var session = 0; session < 3; session++) // a few entries, so the proof has a path
        {
            var s = await node.RequestAsync();
            foreach (var who in new[] { "alice@example.com", "bob@example.com", "carol@example.com" }) done = await node.ApproveAsync(s, who);
        }
        File.WriteAllBytes(dir.File("bundle.json"), done.BundleJson.ToByteArray());
        File.WriteAllBytes(dir.File("root.json"), TrustMaterial.TrustedRootJson(node.Host));
        File.WriteAllText(dir.File("check.py"), Script);
        var (code, output) = Python(dir, "check.py", "bundle.json", "root.json");
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.StartWith("INCLUDED 2 3"));

        var tampered = System.Text.Json.Nodes.JsonNode.Parse(done.BundleJson.ToByteArray())!;
        tampered["verificationMaterial"]!["tlogEntries"]![0]!["inclusionProof"]!["logIndex"] = "1";
        File.WriteAllText(dir.File("tampered.json"), tampered.ToJsonString());
        Assert.That(Python(dir, "check.py", "tampered.json", "root.json").Code, Is.Not.EqualTo(0));
    }

    private static (int Code, string Output) Python(TempDir dir, params string[] args)
    {
        var psi = new ProcessStartInfo("python3") { WorkingDirectory = dir.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, o.Result + e.Result);
    }
}
