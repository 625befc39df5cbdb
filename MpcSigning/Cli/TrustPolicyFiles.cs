using MpcSigning.Bundle;
using MpcSigning.Bundle.Mpcsign;
using MpcSigning.Bundle.Sigstore;
using MpcSigning.Policy;
using MpcSigning.Proto.Policy;

namespace MpcSigning.Cli;

/// <summary>The verified trust policy versions a verify run uses, and what they were pinned by.</summary>
/// <param name="SignerKeys">The signer identity keys of the version the bundle names (else the newest): what the FROST
/// evidence's verifying shares must be signed by.</param>
internal sealed record ResolvedPolicies(IReadOnlyList<TrustPolicy> Versions, string PinDescription, IReadOnlyList<byte[]> SignerKeys);

/// <summary>Where verify finds the trust policy chain and its pin, and where trust-root writes it.</summary>
internal static class TrustPolicyFiles
{
    /// <summary>The chain written beside a TrustedRoot file: trust-root.json gives trust-root.policy.json.</summary>
    public static string BesideTrustRoot(string trustRootPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(trustRootPath))!, Path.GetFileNameWithoutExtension(trustRootPath) + ".policy.json");

    /// <summary>
    /// --policy, else the chain beside --trust-root, else the node's; walked from --policy-pin or else its version 1.
    /// Null when there is none and the bundle names none; a bundle that names a policy without one to check it is refused.
    /// </summary>
    /// <param name="trustRootPin">The pin the TrustedRoot names (mpcsignTrustPolicy), if any: the default for --policy-pin, and
    /// without a chain to walk the bundle is refused, since the deployment has a trust policy in force.</param>
    public static ResolvedPolicies? Resolve(string? policyPath, string? trustRootPath, string? nodeDirectory, string? pinHex, byte[] bundleJson,
        string? trustRootPin = null)
    {
        var path = policyPath
            ?? (trustRootPath is not null && File.Exists(BesideTrustRoot(trustRootPath)) ? BesideTrustRoot(trustRootPath) : null)
            ?? (nodeDirectory is not null && File.Exists(Path.Combine(nodeDirectory, PolicyStore.FileName)) ? Path.Combine(nodeDirectory, PolicyStore.FileName) : null);
        if (path is null)
        {
            if (trustRootPin is not null)
                throw new CliException($"the trust root names trust policy {trustRootPin[..16]}... (the deployment has one in force), but no policy chain was " +
                    "given, so the approvals cannot be checked; pass --policy FILE (written beside the trust root by 'mpcsign trust-root --out FILE')");
            if (pinHex is not null) throw new CliException("--policy-pin: there is no trust policy chain to walk; give --policy FILE", CliErrors.BadConfiguration);
            if (NamedPolicy(bundleJson) is { } named)
                throw new CliException($"the bundle was made under trust policy v{named.Version}; give --policy FILE " +
                    "(written by 'mpcsign trust-root --out FILE' beside FILE) to check it");
            return null;
        }
        return FromChain(Inputs.ReadFile(path, "--policy"), path, Path.GetFileName(path), pinHex, bundleJson, trustRootPin);
    }

    /// <summary>
    /// With --node: --policy, else the chain beside --trust-root, else the chain the node published with its
    /// TrustedRoot (<paramref name="nodeChainJson"/>, empty when none); walked from --policy-pin or else its version 1.
    /// </summary>
    public static ResolvedPolicies? ResolveForNode(string? policyPath, string? trustRootPath, byte[] nodeChainJson, string nodeUrl,
        string? pinHex, byte[] bundleJson, string? trustRootPin = null)
    {
        if (policyPath is not null || (trustRootPath is not null && File.Exists(BesideTrustRoot(trustRootPath))) || nodeChainJson.Length == 0)
            return Resolve(policyPath, trustRootPath, null, pinHex, bundleJson, trustRootPin);
        return FromChain(nodeChainJson, $"the trust policy of {nodeUrl}", $"the trust policy of {nodeUrl}", pinHex, bundleJson, trustRootPin);
    }

    private static ResolvedPolicies FromChain(byte[] chainJson, string path, string name, string? pinHex, byte[] bundleJson, string? trustRootPin = null)
    {
        var chain = PolicyJson.ReadChain(chainJson, path);
        if (chain.Versions.Count == 0) throw new CliException($"--policy: '{path}' holds no policy version");
        byte[] pin;
        string description;
        if (pinHex is null)
        {
            // the pin the TrustedRoot names, else version 1 of the chain
            pin = trustRootPin is not null ? Convert.FromHexString(trustRootPin) : PolicyDigest.Of(chain.Versions[0].Policy);
            var pinned = chain.Versions.FirstOrDefault(v => PolicyDigest.Of(v.Policy).AsSpan().SequenceEqual(pin))?.Policy.Version ?? 1;
            description = $"v{pinned} of {name} ({Convert.ToHexStringLower(pin)})";
        }
        else
        {
            try
            {
                pin = Convert.FromHexString(pinHex.Trim());
            }
            catch (FormatException)
            {
                pin = [];
            }
            if (pin.Length != 32) throw new CliException("--policy-pin: expected the 64 hex characters of a trust policy fingerprint", CliErrors.BadConfiguration);
            description = Convert.ToHexStringLower(pin);
        }
        try
        {
            var versions = PolicyChain.Verify(chain, pin);
            var named = NamedPolicy(bundleJson);
            var version = versions.FirstOrDefault(v => named is not null && v.Version == named.Version) ?? versions[^1];
            return new ResolvedPolicies(versions, description, version.Signers.Select(s => s.IdentityPublicKey.ToByteArray()).ToArray());
        }
        catch (PolicyException e)
        {
            throw new CliException($"verification failed (policy): {e.Message}");
        }
    }

    private static PolicyReference? NamedPolicy(byte[] bundleJson)
    {
        if (!SigstoreBundleJson.TryRead(bundleJson, out var bundle, out _) || bundle!.Mpcsign is not { } raw) return null;
        try
        {
            return MpcsignSection.Read(raw).TrustPolicy;
        }
        catch (BundleFormatException)
        {
            return null;
        }
    }
}
