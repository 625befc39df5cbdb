namespace MpcSigning.Attestation;

public enum AttestationProviderKind
{
    /// <summary>Real hardware if present (configfs-tsm, then /dev/sev-guest), else simulated only if allowed.</summary>
    Auto,
    ConfigFs,
    Ioctl,
    Simulated,
}

/// <summary>How this node obtains evidence and what it accepts from peers; read from configuration by
/// <see cref="Hosting.NodeAttestation.Options"/>.</summary>
public sealed record AttestationOptions
{
    public const string ProviderVariable = "MPCSIGN_ATTESTATION_PROVIDER";
    public const string AllowSimulatedVariable = "MPCSIGN_ALLOW_SIMULATED_ATTESTATION";

    public AttestationProviderKind Provider { get; init; } = AttestationProviderKind.Auto;

    /// <summary>Allows the simulated provider and trust in its root (development, tests, the demo). Off by default.</summary>
    public bool AllowSimulated { get; init; }

    public AttestationPolicy Policy { get; init; } = AttestationPolicy.Strict;
}
