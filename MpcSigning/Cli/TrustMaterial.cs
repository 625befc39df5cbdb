using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using MpcSigning.Ca.File;
using MpcSigning.Hosting;
using MpcSigning.Proto.Identity;
using MpcSigning.Signing.Identity;
using MpcSigning.TLog;
using MpcSigning.TLog.Checkpoints;
using MpcSigning.TLog.Trust;

namespace MpcSigning.Cli;

/// <summary>The CA certificates and log key a verifier trusts: from a node, a TrustedRoot file, or a --ca file.</summary>
internal sealed record TrustMaterial(IReadOnlyList<X509Certificate2> CaCertificates, byte[] LogPublicKey, string? LogKeyName)
{
    /// <summary>The signers' attested identities ('mpcsign trust-root' field mpcsignSigners, or a node's .pin files).</summary>
    public IReadOnlyList<SignerIdentityRecord> Signers { get; init; } = [];

    /// <summary>The fingerprint of the deployment's trust policy version 1, when the TrustedRoot names one (field mpcsignTrustPolicy).</summary>
    public string? PolicyPin { get; init; }

    // RFC 8410: SubjectPublicKeyInfo of an Ed25519 key is this 12-byte header and the 32-byte key.
    private static readonly byte[] Ed25519SpkiHeader = Convert.FromHexString("302a300506032b6570032100");

    /// <summary>A copy of the node's CA certificate, so it stays usable after the node has stopped.</summary>
    public static TrustMaterial FromNode(NodeHost node) =>
        new([X509CertificateLoader.LoadCertificate(node.CertificateAuthority.Certificate.RawData)],
            node.TransparencyLog.Identity.PublicKey, node.TransparencyLog.Identity.KeyName)
        {
            Signers = node.SignerIdentities.Select(i => i.Record).ToArray(),
        };

    /// <summary>The Sigstore TrustedRoot JSON for this node ('mpcsign trust-root').</summary>
    public static byte[] TrustedRootJson(NodeHost node) =>
        TrustedRootJson(node.CertificateAuthority.Certificate, node.Config.CaIssuer, node.TransparencyLog.Identity,
            node.SignerIdentities.Select(i => i.Record).ToArray(), node.Policy.Load());

    /// <summary>The Sigstore TrustedRoot JSON for a CA certificate, the issuer its certificates name, and a log.</summary>
    public static byte[] TrustedRootJson(X509Certificate2 ca, string caIssuer, MpcSigning.TLog.LogIdentity log,
        IReadOnlyList<SignerIdentityRecord>? signers = null, Proto.Policy.TrustPolicyChain? policy = null)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
            TrustedRootWriter.Write(w, [ca.RawData], caIssuer, log, ca.NotBefore.ToUniversalTime(), signers,
                policy is { Versions.Count: > 0 } ? Policy.PolicyDigest.Fingerprint(policy.Versions[0].Policy) : null);
        return ms.ToArray();
    }

    /// <summary>Reads a TrustedRoot written by 'mpcsign trust-root'; each failure names the field.</summary>
    public static TrustMaterial FromTrustedRoot(string path)
    {
        var bytes = Inputs.ReadFile(path, "--trust-root");
        return FromTrustedRootJson(bytes, path);
    }

    /// <summary>Reads TrustedRoot JSON (a file's, or a node's over gRPC); <paramref name="path"/> names it in errors.</summary>
    public static TrustMaterial FromTrustedRootJson(byte[] bytes, string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            var root = doc.RootElement;
            var cas = root.GetProperty("certificateAuthorities").EnumerateArray()
                .SelectMany(ca => ca.GetProperty("certChain").GetProperty("certificates").EnumerateArray())
                .Select(c => X509CertificateLoader.LoadCertificate(c.GetProperty("rawBytes").GetBytesFromBase64()))
                .ToArray();
            var spki = root.GetProperty("tlogs")[0].GetProperty("publicKey").GetProperty("rawBytes").GetBytesFromBase64();
            if (spki.Length != 44 || !spki.AsSpan(0, 12).SequenceEqual(Ed25519SpkiHeader))
                throw new CliException($"--trust-root: tlogs[0].publicKey in '{path}' is not an Ed25519 key");
            if (cas.Length == 0) throw new CliException($"--trust-root: '{path}' lists no certificate authority");
            return new TrustMaterial(cas, spki[12..], null) { Signers = ReadSigners(root, path), PolicyPin = ReadPolicyPin(root, path) };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IndexOutOfRangeException
                                      or System.Security.Cryptography.CryptographicException)
        {
            throw new CliException($"--trust-root: '{path}' is not a Sigstore TrustedRoot ({e.Message})");
        }
    }

    /// <summary>The optional mpcsignTrustPolicy field of a TrustedRoot: the pin (64 lower-case hex) of the deployment's trust policy.</summary>
    private static string? ReadPolicyPin(JsonElement root, string path)
    {
        if (!root.TryGetProperty(TrustedRootWriter.TrustPolicyField, out var field)) return null;
        var pin = field.GetProperty("pin").GetString() ?? "";
        if (pin.Length != 64 || !pin.All(Uri.IsHexDigit))
            throw new CliException($"--trust-root: {TrustedRootWriter.TrustPolicyField}.pin in '{path}' is not a 64-hex trust policy fingerprint");
        return pin.ToLowerInvariant();
    }

    /// <summary>The optional mpcsignSigners field of a TrustedRoot.</summary>
    private static SignerIdentityRecord[] ReadSigners(JsonElement root, string path)
    {
        if (!root.TryGetProperty(TrustedRootWriter.SignersField, out var list)) return [];
        return list.EnumerateArray().Select((s, i) =>
        {
            var key = s.GetProperty("identityPublicKey").GetBytesFromBase64();
            if (key.Length != 32) throw new CliException($"--trust-root: {TrustedRootWriter.SignersField}[{i}].identityPublicKey in '{path}' is not a 32-byte Ed25519 key");
            return new SignerIdentityRecord
            {
                Name = s.GetProperty("name").GetString() ?? "",
                IdentityPublicKey = Google.Protobuf.ByteString.CopyFrom(key),
                AttestationReport = Google.Protobuf.ByteString.CopyFrom(s.GetProperty("attestationReport").GetBytesFromBase64()),
            };
        }).ToArray();
    }

    /// <summary>
    /// The trust of the node whose data directory this is, read from its files (the CA certificate and the log key),
    /// without starting the node, taking its lock or creating anything; null when the directory holds no node.
    /// </summary>
    public static TrustMaterial? FromDataDirectory(string directory, NodeConfig config)
    {
        var caPath = Path.Combine(directory, FileCertificateAuthority.CertificateFileName);
        var keyPath = Path.Combine(directory, new TLogOptions().KeyFileName);
        var sealedKeyPath = LogKey.SealedPathOf(keyPath);
        if (!File.Exists(caPath) || (!File.Exists(keyPath) && !File.Exists(sealedKeyPath))) return null;
        byte[] logPublicKey;
        if (File.Exists(sealedKeyPath))
        {
            // the sealed file's header carries the public key: no unsealing (and no sealing key) needed to read it
            logPublicKey = Sealing.KeySealer.PublicDataOf(Sealing.SealedKeyStore.ReadAll(sealedKeyPath), sealedKeyPath);
            if (logPublicKey.Length != 32) throw new CliException($"the sealed log key '{sealedKeyPath}' names no Ed25519 public key; restore it from backup");
        }
        else
        {
            using var key = LogKey.LoadOrCreate(keyPath); // exists: only loaded, for its public half
            logPublicKey = key.PublicKey;
        }
        return new TrustMaterial(CaFromFile(caPath, "the node's CA certificate"), logPublicKey, config.LogKeyName)
        {
            Signers = SignerIdentity.ReadPins(directory),
        };
    }

    /// <summary>CA certificates from a PEM file (--ca, or a node's ca.pem).</summary>
    public static IReadOnlyList<X509Certificate2> CaFromFile(string path, string what = "--ca")
    {
        Inputs.RequireFile(path, what);
        var all = new X509Certificate2Collection();
        try
        {
            all.ImportFromPemFile(path);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new CliException($"{what}: '{path}' holds no readable PEM certificate ({e.Message})");
        }
        if (all.Count == 0) throw new CliException($"{what}: '{path}' holds no PEM certificate");
        return all.ToArray();
    }
}
