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

    public static void AfterPersisted(string eventKind)
    {
        if (Armed is null || !string.Equals(Armed, eventKind, StringComparison.OrdinalIgnoreCase)) return;
        Serilog.Log.CloseAndFlush();
        Process.GetCurrentProcess().Kill(); // SIGKILL: no shutdown hooks, nothing flushed that was not already durable
    }
}
