using System.CommandLine;
using System.Diagnostics;
using System.Text;
using MpcSigning.TLog;

namespace MpcSigning.Cli;

public static partial class TLogCommands
{
    /// <summary>
    /// Operator load and durability tool: appends synthetic entries from concurrent writers and prints one line
    /// per acknowledged (durable) append: "ack INDEX SESSION TREESIZE ROOT". Used by the SIGKILL durability test.
    /// </summary>
    private static Command LoadCommand(Option<string?> dataDir)
    {
        var cmd = new Command("load", "Load/durability tool: append COUNT synthetic entries with WRITERS concurrent writers, printing each acknowledged index.");
        var count = new Option<int>("--count") { Description = "Entries to append.", Required = true };
        var writers = new Option<int>("--writers") { Description = "Concurrent writers.", DefaultValueFactory = _ => 16 };
        cmd.Options.Add(count);
        cmd.Options.Add(writers);
        cmd.SetAction(pr => WithLog(pr, dataDir, async log =>
        {
            int n = pr.GetValue(count), w = Math.Max(1, pr.GetValue(writers));
            var run = Guid.NewGuid().ToString("N")[..8];
            var next = -1;
            var sw = Stopwatch.StartNew();
            var gate = new object();
            await Task.WhenAll(Enumerable.Range(0, w).Select(_ => Task.Run(async () =>
            {
                for (int i; (i = Interlocked.Increment(ref next)) < n;)
                {
                    var session = $"load-{run}-{i}";
                    var body = Encoding.UTF8.GetBytes($"{{\"load\":\"{session}\"}}");
                    var r = await log.AppendAsync(new LogAppend(body, Convert.ToHexStringLower(Crypto.Hashes.Sha256(body)), session, []), CancellationToken.None);
                    lock (gate) Console.Out.WriteLine($"ack {r.LogIndex} {session} {r.InclusionProof.TreeSize} {B64(r.InclusionProof.RootHash)}");
                }
            })));
            Console.Out.Flush();
            Console.Error.WriteLine($"appended {n} entries with {w} writers in {sw.Elapsed.TotalSeconds:F2}s ({n / sw.Elapsed.TotalSeconds:F0}/s); tree size {log.Size}");
            return 0;
        }));
        return cmd;
    }
}
