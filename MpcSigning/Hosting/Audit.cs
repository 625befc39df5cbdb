using Serilog;

namespace MpcSigning.Hosting;

/// <summary>
/// The audit trail: one structured event per message a service handles. Who (participant or peer), what (message
/// type), session, the attestation digest of the link it came over, and the outcome. Never secrets.
/// </summary>
public static class Audit
{
    // Resolved per event, not once: a logger captured when this class is first touched would keep writing to whatever
    // Log.Logger was then (the silent default, if that was before Serilog was configured).
    private static ILogger Logger => Log.ForContext("Audit", true);

    /// <summary>Attestation digest for messages that did not cross a link (same process).</summary>
    public const string LocalLink = "local";

    public static void Record(string service, string who, string what, string? session, string outcome, string attestation = LocalLink) =>
        Logger.Information("audit {Service} {What} by {Who} session {Session}: {Outcome} (link {AttestationDigest})",
            service, what, who, session ?? "-", outcome, attestation);
}
