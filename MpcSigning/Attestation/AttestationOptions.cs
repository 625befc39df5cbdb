namespace MpcSigning.Attestation;

public enum AttestationProviderKind
{
    /// <summary>Real hardware if present (configfs-tsm, then /dev/sev-guest), else simulated only if allowed.</summary>
    Auto,
    ConfigFs,
    Ioctl,
    Simulated,
}

/// <summary>How this node obtains evidence and what it accepts from peers.</summary>
public sealed record AttestationOptions
{
    public const string TeePolicyHashVariable = "TEE_POLICY_HASH";
    public const string ProviderVariable = "MPCSIGN_ATTESTATION_PROVIDER";
    public const string AllowSimulatedVariable = "MPCSIGN_ALLOW_SIMULATED_ATTESTATION";

    public AttestationProviderKind Provider { get; init; } = AttestationProviderKind.Auto;

    /// <summary>Allows the simulated provider and trust in its root (development, tests, the demo). Off by default.</summary>
    public bool AllowSimulated { get; init; }

    public AttestationPolicy Policy { get; init; } = AttestationPolicy.Strict;

    /// <summary>
    /// Reads TEE_POLICY_HASH (64 hex), MPCSIGN_ATTESTATION_PROVIDER (auto|configfs|ioctl|simulated) and
    /// MPCSIGN_ALLOW_SIMULATED_ATTESTATION (true|false) over <paramref name="defaults"/>. A malformed value is
    /// returned as an error naming the variable, for the node to print and stop.
    /// </summary>
    public static AttestationOptionsResult FromEnvironment(Func<string, string?> getEnv, AttestationOptions? defaults = null)
    {
        var o = defaults ?? new AttestationOptions();
        if (getEnv(TeePolicyHashVariable) is { Length: > 0 } hash)
        {
            hash = hash.Trim();
            if (TeePolicyHash.Validate(hash, TeePolicyHashVariable) is { } error) return AttestationOptionsResult.Fail(error);
            o = o with { Policy = o.Policy with { TeePolicyHash = hash.ToLowerInvariant() } };
        }
        if (getEnv(ProviderVariable) is { Length: > 0 } kind)
        {
            AttestationProviderKind? parsed = kind.Trim().ToLowerInvariant() switch
            {
                "auto" => AttestationProviderKind.Auto, "configfs" => AttestationProviderKind.ConfigFs,
                "ioctl" => AttestationProviderKind.Ioctl, "simulated" => AttestationProviderKind.Simulated, _ => null,
            };
            if (parsed is null) return AttestationOptionsResult.Fail($"{ProviderVariable} is '{kind}'; use auto, configfs, ioctl or simulated");
            o = o with { Provider = parsed.Value };
        }
        if (getEnv(AllowSimulatedVariable) is { Length: > 0 } allow)
        {
            if (!bool.TryParse(allow.Trim(), out var b)) return AttestationOptionsResult.Fail($"{AllowSimulatedVariable} is '{allow}'; use true or false");
            o = o with { AllowSimulated = b };
        }
        return new AttestationOptionsResult(o, null);
    }
}

/// <summary>Options, or a one-line error naming the offending variable.</summary>
public sealed record AttestationOptionsResult(AttestationOptions? Options, string? Error)
{
    public bool Ok => Options is not null;

    internal static AttestationOptionsResult Fail(string error) => new(null, error);
}
