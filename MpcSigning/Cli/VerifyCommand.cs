using System.CommandLine;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Bundle.Verification;
using MpcSigning.Hosting;
using MpcSigning.TLog;
using MpcSigning.Storage.Sqlite;
using MpcSigning.TLog.Storage.Sqlite;

namespace MpcSigning.Cli;

/// <summary>
/// mpcsign verify: checks a bundle offline (signature, statement subject, chain and validity at signing time, log entry,
/// every approval and the quorum). Without --bundle it finds the newest log entry for --artifact-digest in the local
/// node's data directory. It never starts a node and never creates a key or a directory: a verifier's machine may have
/// no node at all, and a node made up on the spot would only be trusted by mistake.
/// </summary>
internal static class VerifyCommand
{
    /// <summary>What to do when there is nothing to trust: the trust material comes from the deployment.</summary>
    internal const string HowToGetTrust =
        "run 'mpcsign trust-root --out trust-root.json' on the deployment that signed it, then pass --trust-root trust-root.json";

    public static Command Build()
    {
        var bundle = new Option<string?>("--bundle") { Description = "The bundle to check (without it: find the newest log entry for the digest in the local node)" };
        var artifact = new Option<string?>("--artifact") { Description = "The signed file" };
        var digest = new Option<string?>("--artifact-digest") { Description = "Or its SHA-256, 64 hex characters" };
        var trustRoot = new Option<string?>("--trust-root") { Description = "Trust this Sigstore TrustedRoot (from 'mpcsign trust-root'): the CA and the log key. Default: the local node's" };
        var ca = new Option<string?>("--ca") { Description = "Trust this CA certificate (PEM) instead of the trust root's; the log key still comes from --trust-root or the local node" };
        var policy = new Option<string?>("--policy") { Description = "The trust policy chain (from 'mpcsign trust-root --out FILE', written beside it as FILE-stem.policy.json). Default: beside --trust-root, else the local node's" };
        var pin = new Option<string?>("--policy-pin") { Description = "Fingerprint (64 hex) of the trust policy version you pinned; the chain is walked from it. Default: version 1 of the chain" };
        var cmd = new Command("verify", "Verify a bundle offline; exit 0 only if every check holds") { bundle, artifact, digest, trustRoot, ca, policy, pin };
        cmd.SetAction(p => CliApp.Execute(p, async ctx =>
        {
            var (sha, _) = Inputs.Artifact(p.GetValue(artifact), p.GetValue(digest));
            var config = NodeConfig.Load(ctx.ConfigFile, Environment.GetEnvironmentVariable);
            // Only ever an existing directory: resolving it must not create it (DataDirectory.Open would).
            var dataDir = Path.GetFullPath(string.IsNullOrWhiteSpace(ctx.DataDir) ? DataDirectory.DefaultPath : ctx.DataDir);
            var node = Directory.Exists(dataDir) ? dataDir : null;
            var given = p.GetValue(bundle) is { } bundlePath ? Inputs.ReadFile(bundlePath, "--bundle") : null;
            if (ctx.Node is { } url && (given is null || p.GetValue(trustRoot) is null))
                return await VerifyWithNodeAsync(url, given, sha, p.GetValue(trustRoot), p.GetValue(ca), p.GetValue(policy), p.GetValue(pin), config, ctx);
            var trust = p.GetValue(trustRoot) is { } rootPath ? TrustMaterial.FromTrustedRoot(rootPath)
                : (node is null ? null : TrustMaterial.FromDataDirectory(node, config))
                  ?? throw new CliException(NoTrust(dataDir, p.GetValue(ca) is not null), CliErrors.BadConfiguration);
            var json = given ?? await FindBundleAsync(node ?? throw new CliException(
                    $"--artifact-digest without --bundle looks the bundle up in a node's data directory, and {dataDir} does not exist; " +
                    "give --bundle FILE (and --data-dir DIR if the node's data is elsewhere)", CliErrors.BadConfiguration),
                sha, config, ctx);
            if (p.GetValue(ca) is { } caPath) trust = trust with { CaCertificates = TrustMaterial.CaFromFile(caPath) };
            var policies = TrustPolicyFiles.Resolve(p.GetValue(policy), p.GetValue(trustRoot), node, p.GetValue(pin), json, trust.PolicyPin);
            var result = MpcsignVerifier.Verify(json, sha, Trust(trust, config, policies?.SignerKeys) with { Policies = policies?.Versions });
            if (!result.Ok) throw new CliException($"verification failed ({result.Check}): {result.Message}");
            ctx.Out.WriteLine("verified: " + result.Message + (policies is null ? "" : $"; trust policy pinned at {policies.PinDescription}"));
            if (policies is null)
                ctx.Error.WriteLine("mpcsign: warning: no trust policy was given; the approvals were checked only against themselves (" +
                    "pass --policy FILE from 'mpcsign trust-root --out FILE' and pin its fingerprint with --policy-pin)");
            return 0;
        }));
        return cmd;
    }

    /// <summary>
    /// With --node: the bundle (unless --bundle) is the newest logged session's for the digest, and the trust (unless
    /// --trust-root) the node's TrustedRoot, both fetched over gRPC from the attested node; the checks run here.
    /// </summary>
    private static async Task<int> VerifyWithNodeAsync(string url, byte[]? given, byte[] sha, string? trustRootPath, string? caPath,
        string? policyPath, string? pinHex, NodeConfig config, CliContext ctx)
    {
        await using var node = await Hosting.Grpc.GrpcNodeAccess.ConnectAsync(url, config, DataDirectory.Open(ctx.DataDir), Environment.GetEnvironmentVariable);
        var published = await node.TrustRootAsync();
        var trust = trustRootPath is not null ? TrustMaterial.FromTrustedRoot(trustRootPath)
            : TrustMaterial.FromTrustedRootJson(published.TrustedRootJson.ToByteArray(), $"the TrustedRoot of {node.Url}");
        if (caPath is not null) trust = trust with { CaCertificates = TrustMaterial.CaFromFile(caPath) };
        var json = given;
        if (json is null)
        {
            var found = await node.Client.FindLogEntriesAsync(sha);
            if (found.Entries.Count == 0)
                throw new CliException($"the log of {node.Url} has no entry for sha256:{Convert.ToHexStringLower(sha)}; was it signed there?");
            var newest = found.Entries[^1];
            var status = await node.Client.StatusAsync(Inputs.SessionId(newest.SessionId));
            if (status.BundleJson.IsEmpty)
                throw new CliException($"log entry {newest.LogIndex} belongs to session {newest.SessionId}, whose bundle the node does not have");
            json = status.BundleJson.ToByteArray();
        }
        var policies = TrustPolicyFiles.ResolveForNode(policyPath, trustRootPath, published.TrustPolicyJson.ToByteArray(), node.Url,
            pinHex, json, trust.PolicyPin);
        var result = MpcsignVerifier.Verify(json, sha, Trust(trust, config, policies?.SignerKeys) with { Policies = policies?.Versions });
        if (!result.Ok) throw new CliException($"verification failed ({result.Check}): {result.Message}");
        ctx.Out.WriteLine("verified: " + result.Message + (policies is null ? "" : $"; trust policy pinned at {policies.PinDescription}"));
        if (policies is null)
            ctx.Error.WriteLine("mpcsign: warning: no trust policy was given; the approvals were checked only against themselves (" +
                "pass --policy FILE from 'mpcsign trust-root --out FILE' and pin its fingerprint with --policy-pin)");
        return 0;
    }

    /// <param name="pinnedSignerKeys">The signer identity keys to pin (the trust policy's); null or empty: the ones the
    /// trust material publishes ('mpcsign trust-root', or the local node's).</param>
    internal static VerifierTrust Trust(TrustMaterial t, NodeConfig config, IReadOnlyList<byte[]>? pinnedSignerKeys = null) =>
        new(t.CaCertificates, t.LogPublicKey, t.LogKeyName,
            new RelyingParty(config.RelyingPartyId, [config.RelyingPartyOrigin]), config.Coordinator.Policy, config.TeePolicyHash)
        {
            PinnedSignerKeys = pinnedSignerKeys is { Count: > 0 } ? pinnedSignerKeys : t.Signers.Select(s => s.IdentityPublicKey.ToByteArray()).ToArray(),
        };

    private static string NoTrust(string dataDir, bool caGiven) =>
        $"nothing to verify against: no --trust-root, and {dataDir} holds no node{(caGiven ? " (--ca alone is not enough: the log's key is needed too)" : "")}; " +
        HowToGetTrust;

    /// <summary>
    /// The newest log entry for the digest in the node's log, and the bundle its session wrote. Reads the data directory
    /// under its lock (as 'tlog' does), so it never reads while a node in another process writes.
    /// </summary>
    private static async Task<byte[]> FindBundleAsync(string dataDir, byte[] sha, NodeConfig config, CliContext ctx)
    {
        var data = DataDirectory.Open(dataDir); // exists: nothing is created
        if (!File.Exists(data.File(NodeHost.DatabaseFileName)))
            throw new CliException($"{dataDir} holds no node's log; give --bundle FILE", CliErrors.BadConfiguration);
        using var held = await data.LockAsync(DataDirectory.LockWait(ctx.WaitSeconds, Environment.GetEnvironmentVariable), ctx.Error);
        // the log's entries only: no log key is opened (it may be sealed to the node's enclave), no attestation is made
        using var store = new SqliteLogStore(SqliteDatabase.Open(data.File(NodeHost.DatabaseFileName)));
        store.Initialize();
        var found = store.FindByArtifactDigest(Convert.ToHexStringLower(sha));
        if (found.Count == 0)
            throw new CliException($"the log in {dataDir} has no entry for sha256:{Convert.ToHexStringLower(sha)}; was it signed on this node?");
        var newest = found[^1];
        // Where the signing pipeline writes each session's bundle (NodeHost.BundlePath).
        var path = Path.Combine(data.File("bundles"), newest.SessionId + ".json");
        if (!File.Exists(path))
            throw new CliException($"log entry {newest.LogIndex} belongs to session {newest.SessionId}, whose bundle {path} is missing; " +
                $"'mpcsign status --session {newest.SessionId}' finishes a session cut off before its bundle was written");
        return await File.ReadAllBytesAsync(path);
    }
}
