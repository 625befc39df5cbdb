using MpcSigning.Proto.Coordinator;

namespace MpcSigning.Coordinator;

/// <summary>
/// Steps 5 to 8 of a session (key, certificate, DSSE signature; then the log entry and the bundle), driven by the
/// session actor, which persists the outcome of each half before it goes on.
/// </summary>
public interface ISigningPipeline
{
    /// <summary>Creates the session key, certifies it, signs the in-toto statement. The key is gone afterwards.</summary>
    Task<Signed> SignAsync(SessionState session, CancellationToken ct);

    /// <summary>Appends the signed session to the log (at most once per session) and assembles the bundle.</summary>
    Task<Logged> LogAsync(SessionState session, CancellationToken ct);
}

/// <summary>Configuration of the coordinator.</summary>
/// <param name="Policy">REQUIRED_ENGINEERS / REQUIRED_STEWARDS.</param>
/// <param name="SessionTtl">How long a session accepts approvals (default 15 minutes).</param>
/// <param name="ServiceTimeout">How long to wait for another service's reply.</param>
public sealed record CoordinatorOptions(QuorumPolicy Policy, TimeSpan SessionTtl, TimeSpan ServiceTimeout)
{
    /// <summary>
    /// Wait before the second signing attempt after a failed one (a signer or the CA restarting, a singleton moving);
    /// three times as long before the third.
    /// </summary>
    public TimeSpan SigningRetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    public static CoordinatorOptions Default { get; } = new(
        new QuorumPolicy { RequiredEngineers = 1, RequiredStewards = 2 }, TimeSpan.FromMinutes(15), TimeSpan.FromSeconds(30));
}
