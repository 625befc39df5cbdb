using System.Diagnostics;

namespace MpcSigning.Hosting;

/// <summary>
/// Fault injection for crash tests: when <c>MPCSIGN_CRASH_AFTER_EVENT</c> names a session event kind (Requested,
/// Approved, QuorumReached, Signed, Logged, Expired, Failed), the process kills itself with SIGKILL right after the
/// journal has made the first such event durable, exactly like <c>kill -9</c> at that step. Unset in production.
/// </summary>
public static class CrashPoint
{
    public const string Variable = "MPCSIGN_CRASH_AFTER_EVENT";

    private static readonly string? Armed = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } v ? v : null;

    /// <summary>
    /// Names a step outside the journal where the process kills itself the first time it gets there (the same SIGKILL):
    /// <c>signer-dkg</c> (a signer has checked the evidence of a DKG it was asked to join, before its round-1 package
    /// leaves), <c>tlog-appended</c> (the log has made an entry durable, before the reply leaves).
    /// </summary>
    public const string StepVariable = "MPCSIGN_CRASH_AT";

    private static readonly string? ArmedStep = Environment.GetEnvironmentVariable(StepVariable) is { Length: > 0 } s ? s : null;

    public static void AfterPersisted(string eventKind)
    {
        if (Armed is null || !string.Equals(Armed, eventKind, StringComparison.OrdinalIgnoreCase)) return;
        Die();
    }

    public static void At(string step)
    {
        if (ArmedStep is null || !string.Equals(ArmedStep, step, StringComparison.OrdinalIgnoreCase)) return;
        Die();
    }

    private static void Die()
    {
        Serilog.Log.CloseAndFlush();
        Process.GetCurrentProcess().Kill(); // SIGKILL: no shutdown hooks, nothing flushed that was not already durable
    }
}
