using Akka.Actor;
using MpcSigning.Hosting;
using MpcSigning.Interop;

namespace MpcSigning.Cli;

/// <summary>
/// The CLI boundary: maps any error to an exit code and one line a user can act on. Never a stack trace.
/// </summary>
public static class CliErrors
{
    public const int Refused = 1;
    public const int BadConfiguration = 2;
    public const int MissingLibrary = 3;
    public const int InternalError = 70;

    public static (int Code, string Line) Describe(Exception e) => e switch
    {
        CliException c => (c.ExitCode, c.Message),
        // An awaited call that wraps one failure: describe that failure, never the wrapper.
        AggregateException { InnerExceptions.Count: 1 } a => Describe(a.InnerExceptions[0]),
        AuthN.AuthNException a => (Refused, a.Message),
        Ca.CaException c => (Refused, c.Message),
        TLog.TLogException t => (Refused, t.Message),
        Bundle.BundleFormatException b => (Refused, b.Message),
        Policy.PolicyException p => (Refused, "trust policy: " + p.Message),
        Sealing.SealingException s => (Refused, s.Message),
        ServiceRefusedException r => (Refused, $"refused: {r.Message} ({r.Error.Code})"),
        SodiumUnavailableException s => (MissingLibrary, s.Message),
        Attestation.AttestationException a => (BadConfiguration, "attestation: " + a.Message),
        ConfigException c => (BadConfiguration, "configuration error: " + c.Message),
        AskTimeoutException t => (Refused, "the node did not answer in time: " + t.Message),
        IOException io => (Refused, io.Message),
        UnauthorizedAccessException ua => (Refused, ua.Message),
        _ => (InternalError, $"internal error ({e.GetType().Name}: {e.Message}); run with --log-json FILE for details"),
    };
}

/// <summary>A user-facing failure: its message is the one line printed.</summary>
public sealed class CliException(string message, int exitCode = CliErrors.Refused) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
