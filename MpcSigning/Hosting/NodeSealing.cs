using MpcSigning.Attestation.Providers.Simulated;
using MpcSigning.Sealing;

namespace MpcSigning.Hosting;

/// <summary>
/// The sealer of a node's key files (CA key, log key, signer identity keys), from its verified self-attestation: the
/// SNP derived key for the attested measurement on hardware, the simulated sealing key beside the simulated attestation
/// root in development. A guest without /dev/sev-guest (configfs-only) cannot ask for a derived key: its key files
/// stay plain files (mode 0600), and it says so once.
/// </summary>
public static class NodeSealing
{
    private static int _warnedPlain;

    public static KeySealer? For(NodeConfig config, DataDirectory data, NodeAttestation.SelfAttestation self)
    {
        if (self.Provider is SimulatedProvider)
            return new KeySealer(SimulatedSealingKey.Open(config.SimulatedRootDir ?? data.Path, self.Measurement));
        if (SnpDerivedSealingKey.Available)
            return new KeySealer(new SnpDerivedSealingKey(self.Measurement, self.Policy.Vmpl ?? 0));
        if (Interlocked.Exchange(ref _warnedPlain, 1) == 0)
            Serilog.Log.Warning("This guest has no {Device} to derive a sealing key from: the CA, log and signer identity keys stay plain owner-only files",
                Interop.SevGuest.DevicePath);
        return null;
    }

    /// <summary>For a command that opens the node's key files without running the node (e.g. 'tlog', 'verify'): attests
    /// this process as the node would, and returns its sealer.</summary>
    public static async Task<KeySealer?> ForCommandAsync(NodeConfig config, DataDirectory data)
    {
        var self = await NodeAttestation.AttestSelfAsync(config, data, TimeProvider.System);
        try { return For(config, data, self); }
        finally { (self.Provider as IDisposable)?.Dispose(); }
    }

    /// <summary>The sealer for a command that only reads the log: needed only when the log key is sealed (a plain key
    /// is left as it is; the node migrates it on its next start).</summary>
    public static async Task<KeySealer?> ForLogReaderAsync(NodeConfig config, DataDirectory data, string keyFileName) =>
        File.Exists(TLog.Checkpoints.LogKey.SealedPathOf(data.File(keyFileName))) ? await ForCommandAsync(config, data) : null;
}
