using System.Diagnostics;

namespace MpcSigning.Benchmarks;

/// <summary>
/// Whole sessions in a loop in one long-lived process, for attaching a profiler (dotnet-trace, perf) to a steady state:
/// <c>profile-sessions IN_FLIGHT WARMUP_S MEASURE_S [READY_FILE]</c>. After the warm-up it writes its process id to
/// READY_FILE, then runs MEASURE_S seconds and prints sessions/s, process CPU ms per session (user and kernel, from
/// /proc/self/stat), latency percentiles (whole sessions, and the time spent waiting for the node alone, without the
/// software authenticators making their assertions), GC counts and bytes allocated per session.
/// </summary>
internal static class SessionProfileDriver
{
    public static void Run(string[] args)
    {
        if (args.Length < 3 || !int.TryParse(args[0], out var inFlight) || !int.TryParse(args[1], out var warmup) || !int.TryParse(args[2], out var measure))
        {
            Console.Error.WriteLine("usage: profile-sessions IN_FLIGHT WARMUP_SECONDS MEASURE_SECONDS [READY_FILE]");
            Environment.Exit(2);
            return;
        }
        var bench = BenchNode.Start(Enumerable.Range(0, inFlight).SelectMany(BenchSessions.Approvers));
        try
        {
            Loop(bench, inFlight, TimeSpan.FromSeconds(warmup), null);
            if (args.Length > 3) File.WriteAllText(args[3], Environment.ProcessId.ToString());
            var (cpu0, gc0, alloc0) = (ProfileStats.ProcessCpu(), GcCounts(), GC.GetTotalAllocatedBytes(precise: false));
            var latencies = new List<(double Whole, double Server)>();
            var wall = Stopwatch.StartNew();
            Loop(bench, inFlight, TimeSpan.FromSeconds(measure), latencies);
            var seconds = wall.Elapsed.TotalSeconds;
            var (cpu1, gc1, alloc1) = (ProfileStats.ProcessCpu(), GcCounts(), GC.GetTotalAllocatedBytes(precise: false));
            var n = latencies.Count;
            var whole = latencies.Select(l => l.Whole).Order().ToArray();
            var server = latencies.Select(l => l.Server).Order().ToArray();
            Console.WriteLine($"in-flight {inFlight}: {n} sessions in {seconds:F1} s = {n / seconds:F1} sessions/s");
            Console.WriteLine($"cpu ms/session: user {(cpu1.User - cpu0.User) / n:F2} kernel {(cpu1.Kernel - cpu0.Kernel) / n:F2} total {(cpu1.User + cpu1.Kernel - cpu0.User - cpu0.Kernel) / n:F2}; cores busy {(cpu1.User + cpu1.Kernel - cpu0.User - cpu0.Kernel) / 1000 / seconds:F2}");
            Console.WriteLine($"wall ms/session: p50 {ProfileStats.Quantile(whole, 0.5):F2} p90 {ProfileStats.Quantile(whole, 0.9):F2} p99 {ProfileStats.Quantile(whole, 0.99):F2} min {whole[0]:F2}");
            Console.WriteLine($"waiting for the node (assertions made outside the clock), ms/session: p50 {ProfileStats.Quantile(server, 0.5):F2} p90 {ProfileStats.Quantile(server, 0.9):F2} p99 {ProfileStats.Quantile(server, 0.99):F2} min {server[0]:F2}");
            Console.WriteLine($"gc gen0/1/2: {gc1.G0 - gc0.G0}/{gc1.G1 - gc0.G1}/{gc1.G2 - gc0.G2}; allocated {(alloc1 - alloc0) / n / 1024.0:F0} KiB/session");
        }
        finally
        {
            bench.Stop();
        }
    }

    private static void Loop(BenchNode bench, int inFlight, TimeSpan duration, List<(double Whole, double Server)>? latencies)
    {
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        Task.WhenAll(Enumerable.Range(0, inFlight).Select(async slot =>
        {
            while (Stopwatch.GetTimestamp() < until)
            {
                var start = Stopwatch.GetTimestamp();
                var server = await BenchSessions.OneAsync(bench.Host.Client, bench.Host.RelyingParty, bench.Auth, slot);
                if (latencies is not null)
                    lock (latencies) latencies.Add((Stopwatch.GetElapsedTime(start).TotalMilliseconds, server.TotalMilliseconds));
            }
        })).GetAwaiter().GetResult();
    }

    private static (int G0, int G1, int G2) GcCounts() => (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
}
