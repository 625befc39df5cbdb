using System.Security.Cryptography;
using MpcSigning.Attestation.Providers.Simulated;
using MpcSigning.Crypto;
using MpcSigning.Hosting;

namespace MpcSigning.Sealing;

/// <summary>
/// Development stand-in for the SNP derived key: HKDF-SHA-256 over a random 32-byte root kept (0600) beside the
/// simulated attestation root (<c>snp-simulated/sealing-root.key</c>), with the measurement in the info, so a key
/// sealed by one build does not open under another. Anyone who can read that folder can unseal: it protects nothing
/// on a real machine, and says so once per process.
/// </summary>
public sealed class SimulatedSealingKey : ISealingKeySource
{
    public const string KindName = "simulated";
    public const string RootFileName = "sealing-root.key";

    private static readonly HashSet<string> Warned = new(StringComparer.Ordinal);
    private readonly string _rootPath;
    private readonly byte[] _measurement;

    private SimulatedSealingKey(string rootPath, byte[] measurement) => (_rootPath, _measurement) = (rootPath, measurement);

    public string Kind => KindName;

    public byte[] Measurement => (byte[])_measurement.Clone();

    /// <summary>Opens (creating once) the simulated sealing root in <paramref name="simulatedRootDir"/>'s simulated store.</summary>
    public static SimulatedSealingKey Open(string simulatedRootDir, byte[] measurement)
    {
        if (measurement.Length != 48) throw new ArgumentException("a measurement is 48 bytes", nameof(measurement));
        var dir = Path.Combine(DataDirectory.Open(simulatedRootDir).Path, SimulatedProvider.StoreFolder);
        Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = Path.Combine(dir, RootFileName);
        if (!File.Exists(path))
        {
            using var fresh = SecretBytes.Random(32);
            try { DataDirectory.WriteOwnerOnly(path, fresh.ReadOnlySpan); }
            catch (IOException) when (File.Exists(path)) { /* another process created it first */ }
        }
        bool first;
        lock (Warned) first = Warned.Add(path);
        if (first)
            Serilog.Log.Warning("Key sealing is SIMULATED (no SEV-SNP derived key): the key files are sealed with {Root}, which anyone who can read it can use; development only",
                path);
        return new SimulatedSealingKey(path, (byte[])measurement.Clone());
    }

    public SecretBytes DeriveRootKey()
    {
        byte[] root;
        try
        {
            root = File.ReadAllBytes(_rootPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SealingException($"cannot read the simulated sealing root '{_rootPath}': {e.Message}", e);
        }
        try
        {
            if (root.Length != 32)
                throw new SealingException($"the simulated sealing root '{_rootPath}' holds {root.Length} bytes, not 32; it is damaged");
            var key = SecretBytes.Allocate(32);
            HKDF.DeriveKey(HashAlgorithmName.SHA256, root, key.Span, "mpcsign/simulated-derived-key/v1"u8, _measurement);
            return key;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(root);
        }
    }
}
