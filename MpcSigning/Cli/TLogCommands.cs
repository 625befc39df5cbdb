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
    private static int WithLog(ParseResult pr, Option<string?> dataDirOption, Func<LogView, Task<int>> body) =>
        Guard(() =>
        {
            // --node (or MPCSIGN_NODE): the log of that running node, read over gRPC once the node is attested.
            if ((pr.GetValue(CliApp.NodeUrl) ?? Environment.GetEnvironmentVariable(Hosting.Grpc.GrpcNodeAccess.NodeVariable)) is { Length: > 0 } url)
                return WithRemoteLog(pr, dataDirOption, url, body).GetAwaiter().GetResult();
            var (data, held) = CliApp.OpenLocked(pr, dataDirOption, Console.Error);
            using (held)
            {
                var config = NodeConfig.Load(pr.GetValue(CliApp.ConfigFile), Environment.GetEnvironmentVariable);
                var keyFile = new TLogOptions().KeyFileName;
                var log = SqliteTransparencyLog.Open(data, new TLogOptions { Sealer = NodeSealing.ForLogReaderAsync(config, data, keyFile).GetAwaiter().GetResult() });
                try { return body(new LogView(log, () => log.Size)).GetAwaiter().GetResult(); }
                finally { log.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
            }
        });

    private static async Task<int> WithRemoteLog(ParseResult pr, Option<string?> dataDirOption, string url, Func<LogView, Task<int>> body)
    {
        var config = NodeConfig.Load(pr.GetValue(CliApp.ConfigFile), Environment.GetEnvironmentVariable);
        await using var node = await Hosting.Grpc.GrpcNodeAccess.ConnectAsync(url, config, DataDirectory.Open(pr.GetValue(dataDirOption)),
            Environment.GetEnvironmentVariable);
        var log = await Hosting.Grpc.GrpcTransparencyLog.OpenAsync(node.GrpcClient);
        return await body(new LogView(log, () => log.Size));
    }

    /// <summary>What the tlog commands read from a log: the local one, or a node's over gRPC.</summary>
    private sealed class LogView(ITransparencyLog log, Func<long> size)
    {
        public LogIdentity Identity => log.Identity;

        public long Size => size();

        public Task<string> LatestCheckpointAsync() => log.LatestCheckpointAsync();

        public Task<LogEntry?> GetAsync(long index) => log.GetAsync(index);

        public Task<IReadOnlyList<LogEntry>> FindByArtifactDigestAsync(string digestHex) => log.FindByArtifactDigestAsync(digestHex);

        public Task<InclusionProof> ProveInclusionAsync(long index, long treeSize) => log.ProveInclusionAsync(index, treeSize);

        public Task<ConsistencyProof> ProveConsistencyAsync(long fromSize, long toSize) => log.ProveConsistencyAsync(fromSize, toSize);

        public Task<LogReceipt> AppendAsync(LogAppend entry, CancellationToken ct) => log is SqliteTransparencyLog
            ? log.AppendAsync(entry, ct)
            : throw new CliException("'tlog load' writes to the local log only; run it without --node (and without MPCSIGN_NODE)", CliErrors.BadConfiguration);
    }

    private static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is TLogException or IOException or Interop.SodiumUnavailableException or JsonException
                                      or FormatException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException
                                      or ConfigException or Attestation.AttestationException or CliException or ServiceRefusedException)
        {
            var code = e is TLogException t ? "tlog." + t.Code : e is ConfigException ? "tlog.config"
                : e is ServiceRefusedException r ? r.Error.Code : e is CliException ? "tlog.node" : "tlog.error";
            Console.Error.WriteLine($"error ({code}): {e.Message}");
            return e switch
            {
                TLogException { Code: TLogErrorCode.InvalidArgument or TLogErrorCode.NotFound } or ConfigException or Attestation.AttestationException => 2,
                Interop.SodiumUnavailableException => CliErrors.MissingLibrary,
                CliException c => c.ExitCode,
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
