using MpcSigning.Attestation.Report;

namespace MpcSigning.Attestation;

/// <summary>
/// What a verifier accepts. The defaults are strict: VMPL 0, DEBUG off, MIGRATE_MA off, committed TCB and
/// firmware equal to current, AMD roots only. Everything looser must be said here explicitly.
/// </summary>
public sealed record AttestationPolicy
{
    /// <summary>TEE_POLICY_HASH: lowercase hex SHA-256 of the 48-byte MEASUREMENT; null = measurement not pinned.</summary>
    public string? TeePolicyHash { get; init; }

    /// <summary>Required VMPL (0 = most privileged); null accepts any VMPL.</summary>
    public uint? Vmpl { get; init; } = 0;

    public bool AllowDebug { get; init; }

    /// <summary>
    /// Accept COMMITTED_TCB or committed firmware older than current (firmware not yet committed). Older, never
    /// newer: as in go-sev-guest's PermitProvisionalFirmware, COMMITTED_TCB must still be at most CURRENT_TCB in every
    /// component, and the committed firmware version and build at most the current ones.
    /// </summary>
    public bool AllowProvisionalFirmware { get; init; }

    /// <summary>Accept a guest policy that allows SMT (hyperthreading siblings share the core).</summary>
    public bool AllowSmt { get; init; } = true;

    /// <summary>Minimum firmware ABI (CURRENT_MAJOR.CURRENT_MINOR); null = any.</summary>
    public (byte Major, byte Minor)? MinimumAbi { get; init; }

    /// <summary>Minimum REPORTED_TCB, per component; null = none.</summary>
    public TcbParts? MinimumTcb { get; init; }

    public uint MinimumReportVersion { get; init; } = 2;

    /// <summary>Expected product; null = taken from the report's CPUID or the VCEK's productName.</summary>
    public SevProduct? Product { get; init; }

    public bool AllowVlek { get; init; } = true;

    /// <summary>
    /// SHA-256 (hex) of a non-AMD ARK to trust, such as the simulated provider's root or an ARK given on the
    /// command line. A root that arrives with evidence is trusted only when its fingerprint equals this.
    /// </summary>
    public string? TrustedSimulatedArkFingerprint { get; init; }

    public static AttestationPolicy Strict { get; } = new();
}
