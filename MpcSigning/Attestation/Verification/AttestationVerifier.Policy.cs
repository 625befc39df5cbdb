using MpcSigning.Attestation.Report;

namespace MpcSigning.Attestation.Verification;

public static partial class AttestationVerifier
{
    /// <summary>
    /// The certificate endorses exactly this report's TCB and chip: its SPLs equal REPORTED_TCB (the TCB the
    /// VCEK was derived for; CURRENT_TCB can be newer while an update is not yet reported) and are at most
    /// CURRENT_TCB in every component (go-sev-guest checks this under every policy), and a VCEK's hwID equals
    /// CHIP_ID (Turin's hwID is the first 8 bytes; the rest of CHIP_ID must be zero).
    /// </summary>
    private static AttestationVerdict? CheckEndorsement(AttestationReport report, VerifiedChain chain)
    {
        var tcb = report.ReportedTcb.Decode(chain.Product);
        if (chain.Extensions.TcbMismatch(tcb, chain.Product) is { } why)
            return AttestationVerdict.Fail(AttestationError.TcbExtensionMismatch, $"{why}; fetch the {chain.Kind} for REPORTED_TCB {tcb}", report);
        // Here the certificate's SPLs are REPORTED_TCB's, component by component.
        var current = report.CurrentTcb.Decode(chain.Product);
        if (!current.AtLeast(tcb))
            return AttestationVerdict.Fail(AttestationError.TcbInconsistent,
                $"the {chain.Kind}'s TCB {tcb} is above CURRENT_TCB {current} in some component: the certificate endorses a TCB this machine does not run; the report or its certificate is not genuine", report);
        if (chain.Kind != SigningKeyKind.Vcek || report.MaskChipKey) return null;
        var hwId = chain.Extensions.HwId ?? [];
        var chip = report.ChipId.AsSpan();
        var matches = hwId.Length is 8 or 64 && chip[..hwId.Length].SequenceEqual(hwId) && chip[hwId.Length..].IndexOfAnyExcept((byte)0) < 0;
        return matches ? null : AttestationVerdict.Fail(AttestationError.HwIdMismatch,
            $"the VCEK hwID {Convert.ToHexStringLower(hwId)} is not CHIP_ID {Convert.ToHexStringLower(report.ChipId)}; the VCEK belongs to another chip", report);
    }

    private static AttestationVerdict? CheckPolicy(AttestationReport r, SevProduct product, AttestationPolicy p)
    {
        AttestationVerdict F(AttestationError c, string m) => AttestationVerdict.Fail(c, m, r);
        if (r.Version < p.MinimumReportVersion)
            return F(AttestationError.ReportVersionTooOld, $"report VERSION {r.Version} is below the required {p.MinimumReportVersion}");
        if (r.Policy.Debug && !p.AllowDebug)
            return F(AttestationError.DebugEnabled, $"guest POLICY {r.Policy} has DEBUG=1: the hypervisor can read and change guest memory");
        if (r.Policy.MigrateMa)
            return F(AttestationError.MigrationAgentAllowed, $"guest POLICY {r.Policy} has MIGRATE_MA=1: a migration agent may export the guest");
        if (r.Policy.Smt && !p.AllowSmt)
            return F(AttestationError.SmtNotAllowed, $"guest POLICY {r.Policy} allows SMT and the policy requires SMT off");
        if (p.Vmpl is { } vmpl && r.Vmpl != vmpl)
            return F(AttestationError.VmplMismatch, $"the report was requested at VMPL {r.Vmpl}; the policy requires VMPL {vmpl}");
        if (p.MinimumAbi is { } abi && (r.CurrentMajor, r.CurrentMinor).CompareTo((abi.Major, abi.Minor)) < 0)
            return F(AttestationError.AbiTooOld, $"firmware ABI {r.CurrentMajor}.{r.CurrentMinor} is below the required {abi.Major}.{abi.Minor}");
        var reported = r.ReportedTcb.Decode(product);
        if (p.MinimumTcb is { } min && !reported.AtLeast(min))
            return F(AttestationError.TcbBelowMinimum, $"REPORTED_TCB {reported} is below the minimum {min} in some component");
        return p.AllowProvisionalFirmware ? CheckCommittedNotAboveCurrent(r, product) : CheckCommittedIsCurrent(r, product);
    }

    private static AttestationVerdict? CheckCommittedIsCurrent(AttestationReport r, SevProduct product) =>
        r.CommittedTcb != r.CurrentTcb || (r.CommittedMajor, r.CommittedMinor, r.CommittedBuild) != (r.CurrentMajor, r.CurrentMinor, r.CurrentBuild)
            ? AttestationVerdict.Fail(AttestationError.ProvisionalFirmware,
                $"provisional firmware: COMMITTED_TCB {r.CommittedTcb.Decode(product)} fw {r.CommittedMajor}.{r.CommittedMinor} build {r.CommittedBuild} " +
                $"differs from CURRENT_TCB {r.CurrentTcb.Decode(product)} fw {r.CurrentMajor}.{r.CurrentMinor} build {r.CurrentBuild}; allow provisional firmware to accept", r)
            : null;

    /// <summary>
    /// Provisional firmware may run ahead of what is committed, never behind it. As go-sev-guest's permissive mode
    /// (validate.go validateTcb and validateVersion): COMMITTED_TCB at most CURRENT_TCB in every byte, committed
    /// API version (major.minor) at most current, and committed build at most current build (compared on its own).
    /// </summary>
    private static AttestationVerdict? CheckCommittedNotAboveCurrent(AttestationReport r, SevProduct product)
    {
        AttestationVerdict F(string m) => AttestationVerdict.Fail(AttestationError.TcbInconsistent, m + "; the report is inconsistent even for provisional firmware", r);
        if (!r.CommittedTcb.IsAtMost(r.CurrentTcb))
            return F($"COMMITTED_TCB {r.CommittedTcb.Decode(product)} ({r.CommittedTcb}) is above CURRENT_TCB {r.CurrentTcb.Decode(product)} ({r.CurrentTcb}) in some component");
        if ((r.CommittedMajor, r.CommittedMinor).CompareTo((r.CurrentMajor, r.CurrentMinor)) > 0)
            return F($"committed firmware {r.CommittedMajor}.{r.CommittedMinor} is above the current firmware {r.CurrentMajor}.{r.CurrentMinor}");
        if (r.CommittedBuild > r.CurrentBuild)
            return F($"committed firmware build {r.CommittedBuild} is above the current build {r.CurrentBuild}");
        return null;
    }
}
