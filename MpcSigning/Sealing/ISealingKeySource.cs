using MpcSigning.Crypto;

namespace MpcSigning.Sealing;

/// <summary>
/// Where the key that seals this node's key files comes from: on SEV-SNP hardware the firmware's derived key
/// (<see cref="SnpDerivedSealingKey"/>, bound to the launch measurement), in development a simulated one
/// (<see cref="SimulatedSealingKey"/>). The same measurement always gives the same key; another measurement another key.
/// </summary>
public interface ISealingKeySource
{
    /// <summary>"snp-derived-key" or "simulated"; written into each sealed file's header.</summary>
    string Kind { get; }

    /// <summary>The 48-byte launch measurement the key is bound to.</summary>
    byte[] Measurement { get; }

    /// <summary>The 32-byte sealing root key for <see cref="Measurement"/>, in guarded memory (the caller disposes it).</summary>
    /// <exception cref="SealingException">The firmware or the simulated key store failed; one line says why.</exception>
    SecretBytes DeriveRootKey();
}

/// <summary>A key file cannot be sealed or opened; the message is one line for the operator.</summary>
public sealed class SealingException(string message, Exception? inner = null) : Exception(message, inner);
