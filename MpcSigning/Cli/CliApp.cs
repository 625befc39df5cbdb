using System.CommandLine;
using MpcSigning.Hosting;
using MpcSigning.Hosting.Grpc;
using MpcSigning.Interop;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace MpcSigning.Cli;

/// <summary>
/// Builds the mpcsign command tree. Each module contributes its commands from its own file under Cli/. Every error
/// reaches the user as one line (see <see cref="CliErrors"/>); details go to the log.
/// </summary>
public static class CliApp
{
    public static readonly Option<string?> DataDir = new("--data-dir")
    {
        Description = "Node data directory (database, CA and log keys). Default: ~/.local/share/mpcsign",
        Recursive = true,
    };

    public static readonly Option<string?> ConfigFile = new("--config")
    {
        Description = "Node configuration file (a relative path is relative to the working directory). Default: config/mpcsign.json beside the binary",
        Recursive = true,
    };

    public static readonly Option<string?> LogJson = new("--log-json")
    {
        Description = "Also write the structured log (with the audit trail) as JSON lines to this file",
        Recursive = true,
    };

    public static readonly Option<int?> Wait = new("--wait")
    {
        Description = "Seconds to wait while another mpcsign process uses the data directory; 0 fails at once. " +
            $"Default: {DataDirectory.LockWaitVariable}, else {(int)DataDirectory.DefaultLockWait.TotalSeconds}",
        Recursive = true,
    };

    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Show informational log events (the audit trail) on the console",
        Recursive = true,
    };

    public static readonly Option<string?> NodeUrl = new("--node")
    {
        Description = $"A running node to use over gRPC (mutual TLS, attested), https://HOST:PORT. Default: {GrpcNodeAccess.NodeVariable}, else the node embedded in this process",
        Recursive = true,
    };

    /// <summary>Marks log events whose detail (a stack trace) belongs in the log file, never on a user's console.</summary>
    private const string DetailOnly = "DetailOnly";

    public static int Run(string[] args)
    {
        var root = new RootCommand("mpcsign: sign software artifacts with nobody holding a signing key.");
        root.Options.Add(DataDir);
        root.Options.Add(ConfigFile);
        root.Options.Add(LogJson);
        root.Options.Add(Wait);
        root.Options.Add(Verbose);
        root.Options.Add(NodeUrl);
        foreach (var command in FlowCommands.Build()) root.Subcommands.Add(command);
        root.Subcommands.Add(NodeCommand.Build());
        root.Subcommands.Add(AuthNCommands.Build(DataDir));
        root.Subcommands.Add(TLogCommands.Build(DataDir));
        root.Subcommands.Add(PolicyCommands.Build());
        root.Subcommands.Add(InviteCommand.Build());
        root.Subcommands.Add(AttestCommands.Build(DataDir, ConfigFile));
        var parse = root.Parse(args);
        // The audit trail must not vanish silently: Serilog's file sink swallows an unwritable path, so refuse it here.
        if (parse.Errors.Count == 0 && LogJsonProblem(parse.GetValue(LogJson)) is { } problem)
        {
            Console.Error.WriteLine("mpcsign: " + problem);
            return CliErrors.BadConfiguration;
        }
        return parse.Invoke();
    }

    /// <summary>Why --log-json FILE cannot be written (null when it can): a directory, or a path that cannot be created or opened.</summary>
    internal static string? LogJsonProblem(string? path)
    {
        if (path is null) return null;
        if (string.IsNullOrWhiteSpace(path)) return "--log-json: give a file to write the log to";
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) return $"--log-json: '{full}' is a directory; give a file, e.g. {Path.Combine(full, "mpcsign-log.json")}";
        try
        {
            // As the sink will: create the folder if needed, then open the file for appending.
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            using var probe = new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"--log-json: cannot write '{full}' ({e.Message}); give a writable file";
        }
        return null;
    }

    /// <summary>Runs a command body with logging set up, libsodium loaded, and every error mapped to one line.</summary>
    public static int Execute(ParseResult parse, Func<CliContext, Task<int>> body)
    {
        ConfigureLogging(parse.GetValue(LogJson), parse.GetValue(Verbose));
        try
        {
            Sodium.EnsureInitialized();
            var context = new CliContext(parse.GetValue(DataDir), parse.GetValue(ConfigFile), Console.Out, Console.Error, parse.GetValue(Wait))
            {
                Node = parse.GetValue(NodeUrl) ?? (Environment.GetEnvironmentVariable(GrpcNodeAccess.NodeVariable) is { Length: > 0 } n ? n : null),
            };
            return body(context).GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            var (code, line) = CliErrors.Describe(e);
            if (code == CliErrors.InternalError) Log.ForContext(DetailOnly, true).Error(e, "Unexpected error");
            Console.Error.WriteLine("mpcsign: " + line);
            return code;
        }
        finally
        {
            Log.CloseAndFlush();
        }
    }

    /// <summary>How long to wait for the data directory's lock: --wait, else MPCSIGN_LOCK_WAIT_SECONDS, else the default.</summary>
    private static TimeSpan LockWait(ParseResult parse) => DataDirectory.LockWait(parse.GetValue(Wait), Environment.GetEnvironmentVariable);

    /// <summary>
    /// For commands that open the data directory without starting a node (tlog, authn enroll/list): opens and locks it as
    /// a node does, so they never read or write it while a node in another process has it.
    /// </summary>
    internal static (DataDirectory Data, IDisposable Lock) OpenLocked(ParseResult parse, Option<string?> dataDirOption, TextWriter status)
    {
        var data = DataDirectory.Open(parse.GetValue(dataDirOption));
        return (data, data.LockAsync(LockWait(parse), status).GetAwaiter().GetResult());
    }

    private static void ConfigureLogging(string? jsonFile, bool verbose)
    {
        var config = new LoggerConfiguration()
            .MinimumLevel.Information()
            .Enrich.FromLogContext()
            .WriteTo.Logger(console => console
                .Filter.ByExcluding(e => e.Properties.ContainsKey(DetailOnly))
                .WriteTo.Console(
                    restrictedToMinimumLevel: verbose ? LogEventLevel.Information : LogEventLevel.Warning,
                    outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}",
                    standardErrorFromLevel: LogEventLevel.Verbose));
        if (!string.IsNullOrEmpty(jsonFile)) config = config.WriteTo.File(new JsonFormatter(renderMessage: true), jsonFile);
        Log.Logger = config.CreateLogger();
    }
}

/// <summary>What a command body gets: where the node lives and where to write.</summary>
/// <param name="WaitSeconds">--wait: how long the node's start waits while another process uses the data directory.</param>
public sealed record CliContext(string? DataDir, string? ConfigFile, TextWriter Out, TextWriter Error, int? WaitSeconds)
{
    /// <summary>--node or MPCSIGN_NODE: a running node's gRPC address; null for the embedded node.</summary>
    public string? Node { get; init; }
}
