using System.CommandLine;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Bundle.Verification;
using MpcSigning.Hosting;
using MpcSigning.Proto.Coordinator;

namespace MpcSigning.Cli;

/// <summary>
/// mpcsign verify: checks a bundle offline (signature, statement subject, chain and validity at signing time, log entry,
/// every approval and the quorum). Without --bundle it finds the newest log entry for --artifact-digest on the node.
/// </summary>
internal static class VerifyCommand
{
    public static Command Build()
    {
        var bundle = new Option<string?>("--bundle") { Description = "The bundle to check (without it: find the newest log entry for the digest)" };
        var artifact = new Option<string?>("--artifact") { Description = "The signed file" };
        var digest = new Option<string?>("--artifact-digest") { Description = "Or its SHA-256, 64 hex characters" };
        var ca = new Option<string?>("--ca") { Description = "Trust this CA certificate (PEM) instead of the node's" };
        var trustRoot = new Option<string?>("--trust-root") { Description = "Trust this Sigstore TrustedRoot (from 'mpcsign trust-root'); no node needed" };
        var cmd = new Command("verify", "Verify a bundle offline; exit 0 only if every check holds") { bundle, artifact, digest, ca, trustRoot };
        cmd.SetAction(p => CliApp.Execute(p, async ctx =>
        {
            var (sha, _) = Inputs.Artifact(p.GetValue(artifact), p.GetValue(digest));
            var config = NodeConfig.Load(ctx.ConfigFile, Environment.GetEnvironmentVariable);
            byte[] json;
            TrustMaterial trust;
            if (p.GetValue(bundle) is { } bundlePath && p.GetValue(trustRoot) is { } rootPath)
            {
                json = ReadBundle(bundlePath);
                trust = TrustMaterial.FromTrustedRoot(rootPath);
            }
            else
            {
                await using var node = await NodeHost.StartAsync(ctx);
                json = p.GetValue(bundle) is { } path ? ReadBundle(path) : await FindBundleAsync(node, sha);
                trust = p.GetValue(trustRoot) is { } r ? TrustMaterial.FromTrustedRoot(r) : TrustMaterial.FromNode(node);
            }
            if (p.GetValue(ca) is { } caPath) trust = trust with { CaCertificates = TrustMaterial.CaFromFile(caPath) };
            var result = MpcsignVerifier.Verify(json, sha, Trust(trust, config));
            if (!result.Ok) throw new CliException($"verification failed ({result.Check}): {result.Message}");
            ctx.Out.WriteLine("verified: " + result.Message);
            return 0;
        }));
        return cmd;
    }

    internal static VerifierTrust Trust(TrustMaterial t, NodeConfig config) => new(t.CaCertificates, t.LogPublicKey, t.LogKeyName,
        new RelyingParty(config.RelyingPartyId, [config.RelyingPartyOrigin]), config.Coordinator.Policy, config.TeePolicyHash);

    private static byte[] ReadBundle(string path) =>
        File.Exists(path) ? File.ReadAllBytes(path) : throw new CliException($"--bundle: file '{path}' does not exist");

    private static async Task<byte[]> FindBundleAsync(NodeHost node, byte[] sha)
    {
        var found = await node.Client.FindLogEntriesAsync(sha);
        if (found.Entries.Count == 0)
            throw new CliException($"the log has no entry for sha256:{Convert.ToHexStringLower(sha)}; was it signed on this node?");
        var newest = found.Entries[^1];
        var status = await node.Client.StatusAsync(Convert.FromHexString(newest.SessionId));
        if (status.Phase != SessionPhase.Completed || status.BundleJson.IsEmpty)
            throw new CliException($"log entry {newest.LogIndex} belongs to session {newest.SessionId}, whose bundle is not complete");
        return status.BundleJson.ToByteArray();
    }
}
