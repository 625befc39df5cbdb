using System.CommandLine;
using System.Text.Json;
using MpcSigning.Hosting;
using MpcSigning.TLog;
using MpcSigning.TLog.Storage.Sqlite;

namespace MpcSigning.Cli;

/// <summary>
/// <c>mpcsign tlog ...</c>: what a monitor or witness needs from the log (checkpoint, entries, inclusion and
/// consistency proofs, offline consistency checking) and an operator load/durability tool.
/// </summary>
public static partial class TLogCommands
{
    public static Command Build(Option<string?> dataDirOption)
    {
        var tlog = new Command("tlog", "Inspect the transparency log: checkpoints, entries and proofs.");
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text." };
        tlog.Subcommands.Add(CheckpointCommand(dataDirOption, json));
        tlog.Subcommands.Add(GetCommand(dataDirOption, json));
        tlog.Subcommands.Add(ProveCommand(dataDirOption, json));
        tlog.Subcommands.Add(ConsistencyCommand(dataDirOption, json));
        tlog.Subcommands.Add(VerifyConsistencyCommand(dataDirOption, json));
        tlog.Subcommands.Add(LoadCommand(dataDirOption));
        return tlog;
    }

    /// <summary>
    /// Runs a command body against the local log, holding the data directory's lock as a node does; any failure is one
    /// line on stderr and exit code 1 (2 for a bad argument or setting, 3 without libsodium).
    /// </summary>
    private static int WithLog(ParseResult pr, Option<string?> dataDirOption, Func<SqliteTransparencyLog, Task<int>> body) =>
        Guard(() =>
        {
            var (data, held) = CliApp.OpenLocked(pr, dataDirOption, Console.Error);
            using (held)
            {
                var config = NodeConfig.Load(pr.GetValue(CliApp.ConfigFile), Environment.GetEnvironmentVariable);
                var keyFile = new TLogOptions().KeyFileName;
                var log = SqliteTransparencyLog.Open(data, new TLogOptions { Sealer = NodeSealing.ForLogReaderAsync(config, data, keyFile).GetAwaiter().GetResult() });
                try { return body(log).GetAwaiter().GetResult(); }
                finally { log.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
            }
        });

    private static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is TLogException or IOException or Interop.SodiumUnavailableException or JsonException
                                      or FormatException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException
                                      or ConfigException or Attestation.AttestationException)
        {
            var code = e is TLogException t ? "tlog." + t.Code : e is ConfigException ? "tlog.config" : "tlog.error";
            Console.Error.WriteLine($"error ({code}): {e.Message}");
            return e switch
            {
                TLogException { Code: TLogErrorCode.InvalidArgument or TLogErrorCode.NotFound } or ConfigException or Attestation.AttestationException => 2,
                Interop.SodiumUnavailableException => CliErrors.MissingLibrary,
                _ => 1,
            };
        }
    }

    private static void PrintJson(Action<Utf8JsonWriter> write)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            write(w);
        stdout.Write("\n"u8);
    }

    private static string B64(byte[] b) => Convert.ToBase64String(b);
}
