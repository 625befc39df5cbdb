using MpcSigning.Attestation.Providers.ConfigFsTsm;
using MpcSigning.Attestation.Providers.SevGuestIoctl;
using MpcSigning.Attestation.Providers.Simulated;

namespace MpcSigning.Attestation;

/// <summary>Chooses the provider from configuration and what this machine has.</summary>
public static class AttestationProviders
{
    /// <summary>
    /// auto: configfs-tsm if present, else /dev/sev-guest, else simulated when allowed, else refuse (with a
    /// specific message when the VM has SEV but not SNP). Throws <see cref="AttestationException"/> whose
    /// message is one line for the operator.
    /// </summary>
    public static IAttestationProvider Create(AttestationOptions options, string dataDirectory) =>
        Create(options, dataDirectory, HostProbe.System);

    internal static IAttestationProvider Create(AttestationOptions options, string dataDirectory, HostProbe host)
    {
        var vmpl = options.Policy.Vmpl ?? 0;
        switch (options.Provider)
        {
            case AttestationProviderKind.ConfigFs:
                return host.HasConfigFsTsm ? new ConfigFsTsmProvider() : throw Unavailable($"configfs-tsm ({ConfigFsTsmProvider.DefaultRoot}) is not present", host);
            case AttestationProviderKind.Ioctl:
                return host.HasSevGuestDevice ? new SevGuestIoctlProvider(vmpl) : throw Unavailable("/dev/sev-guest is not present", host);
            case AttestationProviderKind.Simulated:
                return options.AllowSimulated ? SimulatedProvider.Open(dataDirectory)
                    : throw new AttestationException(AttestationError.SimulationNotAllowed,
                        $"{AttestationOptions.ProviderVariable}=simulated but simulated attestation is not allowed; set {AttestationOptions.AllowSimulatedVariable}=true (development only)");
        }
        if (host.HasConfigFsTsm) return new ConfigFsTsmProvider();
        if (host.HasSevGuestDevice) return new SevGuestIoctlProvider(vmpl);
        if (options.AllowSimulated) return SimulatedProvider.Open(dataDirectory);
        throw Unavailable("no SEV-SNP attestation device (configfs-tsm or /dev/sev-guest) was found", host);
    }

    /// <summary>
    /// The policy this node verifies peers with: the configured one, plus trust in the simulated root only when
    /// simulation is allowed and this node itself uses it (all nodes of a demo share one data directory's root).
    /// </summary>
    public static AttestationPolicy VerificationPolicy(AttestationOptions options, IAttestationProvider provider) =>
        options.AllowSimulated && provider is SimulatedProvider sim
            ? options.Policy with { TrustedSimulatedArkFingerprint = sim.ArkFingerprint }
            : options.Policy;

    private static AttestationException Unavailable(string what, HostProbe host) => host.HasSevWithoutSnp
        ? new AttestationException(AttestationError.SevWithoutSnp,
            $"{what}: this VM runs with AMD SEV but not SEV-SNP, which cannot produce signed attestation reports; start it as an SEV-SNP guest (production refuses to run without attestation)")
        : new AttestationException(AttestationError.ProviderUnavailable,
            $"{what}; run in an SEV-SNP guest, or for development set {AttestationOptions.AllowSimulatedVariable}=true");
}

/// <summary>What the machine offers, read from the filesystem; replaceable in tests.</summary>
internal sealed record HostProbe(Func<string, bool> Exists, Func<string, string?> ReadText)
{
    public static HostProbe System { get; } = new(
        p => Directory.Exists(p) || File.Exists(p),
        p => { try { return File.ReadAllText(p); } catch (IOException) { return null; } catch (UnauthorizedAccessException) { return null; } });

    public bool HasConfigFsTsm => Exists(ConfigFsTsmProvider.DefaultRoot);
    public bool HasSevGuestDevice => Exists(Interop.SevGuest.DevicePath);

    /// <summary>An SEV or SEV-ES guest: the CPU flags show "sev" but not "sev_snp".</summary>
    public bool HasSevWithoutSnp
    {
        get
        {
            var flags = (ReadText("/proc/cpuinfo") ?? "").Split('\n').FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal)) ?? "";
            var set = flags.Split([' ', '\t', ':'], StringSplitOptions.RemoveEmptyEntries).ToHashSet();
            return set.Contains("sev") && !set.Contains("sev_snp") && !Exists("/dev/sev");
        }
    }
}
