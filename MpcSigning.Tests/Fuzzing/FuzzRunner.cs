using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace MpcSigning.Tests.Fuzzing;

/// <summary>
/// Campaign settings from the environment. <c>MPCSIGN_FUZZ_SEED</c> (decimal or 0x-hex) replays a run; without it
/// each test process draws a fresh seed, printed by every campaign. <c>MPCSIGN_FUZZ_SCALE</c> multiplies every
/// campaign's input count (e.g. 10 for a long soak, 0.05 for a quick local look). <c>MPCSIGN_FUZZ_ITERATION</c>
/// with the seed rebuilds and runs just that one input.
/// </summary>
internal static class FuzzSettings
{
    public static readonly ulong Seed = ReadSeed();
    public static readonly double Scale = ReadScale();
    public static readonly long? OnlyIteration = ReadIteration();

    public static long Count(long baseline) => Math.Max(1, (long)Math.Round(baseline * Scale));

    private static ulong ReadSeed()
    {
        var text = Environment.GetEnvironmentVariable("MPCSIGN_FUZZ_SEED");
        if (string.IsNullOrWhiteSpace(text)) return BitConverter.ToUInt64(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        text = text.Trim();
        var ok = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var v)
            : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out v);
        return ok ? v : throw new ArgumentException($"MPCSIGN_FUZZ_SEED '{text}' is not a 64-bit number; give it as printed (0x followed by 16 hex digits)");
    }

    private static double ReadScale()
    {
        var text = Environment.GetEnvironmentVariable("MPCSIGN_FUZZ_SCALE");
        if (string.IsNullOrWhiteSpace(text)) return 1.0;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && double.IsFinite(v)
            ? v
            : throw new ArgumentException($"MPCSIGN_FUZZ_SCALE '{text}' is not a positive number (e.g. 0.1 or 10)");
    }

    private static long? ReadIteration()
    {
        var text = Environment.GetEnvironmentVariable("MPCSIGN_FUZZ_ITERATION");
        if (string.IsNullOrWhiteSpace(text)) return null;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new ArgumentException($"MPCSIGN_FUZZ_ITERATION '{text}' is not a non-negative integer");
    }
}

/// <summary>Thrown by a campaign's check when a mutated input was wrongly accepted (or any other broken property).</summary>
internal sealed class FuzzViolation(string message) : Exception(message);

/// <summary>One parser's campaign: how to make the i-th mutated input and how to judge what the parser did with it.</summary>
internal sealed class FuzzCampaign<T>
{
    /// <summary>The parser's name; also salts the random stream.</summary>
    public required string Name { get; init; }

    /// <summary>Inputs at MPCSIGN_FUZZ_SCALE=1.</summary>
    public required long Inputs { get; init; }

    /// <summary>The mutated input for one iteration; deterministic in the random source.</summary>
    public required Func<FuzzRng, T> Generate { get; init; }

    /// <summary>Feeds the input to the parser; returns an outcome label, throws <see cref="FuzzViolation"/> on a broken property.</summary>
    public required Func<T, string> Check { get; init; }

    /// <summary>The input as text for a failure report (hex, base64 or the text itself).</summary>
    public required Func<T, string> Describe { get; init; }

    /// <summary>Exceptions that are the parser's documented refusal (its own error types); anything else is a crash.</summary>
    public Func<Exception, bool> IsRefusal { get; init; } = _ => false;

    /// <summary>
    /// On failure: saves what the inputs were made from when it is generated per run (keys, certificates, the
    /// node's bundle and trust material), so a failing input can be checked again after the run; returns a line
    /// saying where.
    /// </summary>
    public Func<string, string>? SaveSeeds { get; init; }
}

internal sealed record FuzzFailure(long Iteration, string Kind, string Detail, string Input);

internal sealed record FuzzSummary(long Inputs, TimeSpan Elapsed, IReadOnlyList<FuzzFailure> Failures, IReadOnlyDictionary<string, long> Outcomes);

/// <summary>
/// Runs a campaign across all cores. Every outcome is counted by label (printed, so a run shows how deep inputs
/// got); a crash (an exception that is not a refusal) or a violation is recorded with the seed, the iteration and
/// the input, and the test fails listing them. The run stops early after <see cref="MaxFailures"/> failures.
/// </summary>
internal static class FuzzRunner
{
    public const int MaxFailures = 25;
    private const int ShownInputChars = 600;

    /// <param name="campaign">The parser's campaign.</param>
    /// <param name="assert">Fail the test when an input failed (the harness's own tests look at the summary instead).</param>
    /// <param name="seed">A fixed seed and exactly <see cref="FuzzCampaign{T}.Inputs"/> inputs, ignoring the environment.</param>
    public static FuzzSummary Run<T>(FuzzCampaign<T> campaign, bool assert = true, ulong? seed = null)
    {
        var runSeed = seed ?? FuzzSettings.Seed;
        var only = seed is null ? FuzzSettings.OnlyIteration : null;
        var n = seed is not null ? campaign.Inputs : only is null ? FuzzSettings.Count(campaign.Inputs) : 1;
        TestContext.Progress.WriteLine(
            $"fuzz {campaign.Name}: seed 0x{runSeed:x16}, {n:N0} inputs (replay: MPCSIGN_FUZZ_SEED=0x{runSeed:x16}" +
            (only is null ? "" : $" MPCSIGN_FUZZ_ITERATION={only}") + ")");
        var failures = new ConcurrentQueue<FuzzFailure>();
        var outcomes = new Dictionary<string, long>();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            () => new Dictionary<string, long>(),
            (k, state, local) =>
            {
                var iteration = only ?? k;
                var label = RunOne(campaign, runSeed, iteration, failures);
                local[label] = local.GetValueOrDefault(label) + 1;
                if (failures.Count >= MaxFailures) state.Stop();
                return local;
            },
            local =>
            {
                lock (outcomes)
                    foreach (var (key, count) in local) outcomes[key] = outcomes.GetValueOrDefault(key) + count;
            });
        sw.Stop();
        // CPU time as well as wall time: on a shared machine the wall time says more about the neighbours.
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var done = outcomes.Values.Sum();
        var top = string.Join(", ", outcomes.OrderByDescending(kv => kv.Value).Take(14).Select(kv => $"{kv.Key} {kv.Value:N0}"));
        TestContext.Progress.WriteLine(
            $"fuzz {campaign.Name}: {done:N0} inputs in {sw.Elapsed.TotalSeconds:F1} s, {cpu.TotalSeconds:F1} s CPU ({done / Math.Max(sw.Elapsed.TotalSeconds, 1e-3):N0}/s), " +
            $"{failures.Count} failures; outcomes: {top}");
        var summary = new FuzzSummary(done, sw.Elapsed, failures.OrderBy(f => f.Iteration).ToArray(), outcomes);
        if (assert && summary.Failures.Count > 0)
        {
            var saved = "";
            if (campaign.SaveSeeds is { } save)
            {
                var dir = Path.Combine(Path.GetTempPath(), $"mpcsign-fuzz-{campaign.Name}-{runSeed:x16}-seeds");
                Directory.CreateDirectory(dir);
                saved = save(dir);
            }
            Assert.Fail(Report(campaign.Name, runSeed, summary) + saved);
        }
        return summary;
    }

    private static string RunOne<T>(FuzzCampaign<T> campaign, ulong seed, long iteration, ConcurrentQueue<FuzzFailure> failures)
    {
        T input;
        try
        {
            input = campaign.Generate(new FuzzRng(seed, campaign.Name, iteration));
        }
        catch (Exception e)
        {
            // A bug in the mutator, not in the parser; still reported, as it would hide inputs.
            failures.Enqueue(new FuzzFailure(iteration, $"generator threw {e.GetType().Name} at {Site(e)}", e.Message, "(no input)"));
            return "generator error";
        }
        try
        {
            return campaign.Check(input);
        }
        catch (FuzzViolation v)
        {
            failures.Enqueue(new FuzzFailure(iteration, "violation", v.Message, Safe(campaign.Describe, input)));
            return "VIOLATION";
        }
        catch (Exception e) when (campaign.IsRefusal(e))
        {
            return "refused by " + e.GetType().Name;
        }
        catch (Exception e)
        {
            failures.Enqueue(new FuzzFailure(iteration, $"crash: {e.GetType().FullName} at {Site(e)}", e.Message, Safe(campaign.Describe, input)));
            return "CRASH";
        }
    }

    /// <summary>The failure message: seed, how to replay, and the first failure of each kind with its input.</summary>
    public static string Report(string name, ulong seed, FuzzSummary s)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"fuzz {name}: {s.Failures.Count} failing input(s) in {s.Inputs:N0} (seed 0x{seed:x16}).");
        foreach (var f in s.Failures.GroupBy(f => f.Kind).Select(g => g.First()).Take(6))
        {
            sb.AppendLine($"- iteration {f.Iteration}: {f.Kind}");
            sb.AppendLine($"  {f.Detail}");
            sb.AppendLine($"  replay: MPCSIGN_FUZZ_SEED=0x{seed:x16} MPCSIGN_FUZZ_ITERATION={f.Iteration}");
            sb.AppendLine($"  input: {(f.Input.Length <= ShownInputChars ? f.Input : f.Input[..ShownInputChars] + $"... ({f.Input.Length} chars)")}");
        }
        var path = Path.Combine(Path.GetTempPath(), $"mpcsign-fuzz-{name}-{seed:x16}.txt");
        try
        {
            File.WriteAllText(path, string.Join("\n\n", s.Failures.Select(f => $"iteration {f.Iteration}: {f.Kind}\n{f.Detail}\ninput: {f.Input}")));
            sb.AppendLine($"All failing inputs in full: {path}");
        }
        catch (IOException)
        {
            // The report above already names seed and iterations; the file is a convenience.
        }
        return sb.ToString();
    }

    /// <summary>The first frame in mpcsign's own code (file:line when symbols are present), else the throwing frame.</summary>
    internal static string Site(Exception e)
    {
        var frames = new StackTrace(e, fNeedFileInfo: true).GetFrames();
        var frame = frames.FirstOrDefault(f => f.GetMethod()?.DeclaringType?.Namespace is { } ns &&
                                               ns.StartsWith("MpcSigning", StringComparison.Ordinal) && !ns.StartsWith("MpcSigning.Tests", StringComparison.Ordinal))
                    ?? frames.FirstOrDefault();
        if (frame is null) return "(no stack)";
        var m = frame.GetMethod();
        var where = frame.GetFileName() is { } file ? $" ({Path.GetFileName(file)}:{frame.GetFileLineNumber()})" : "";
        return $"{m?.DeclaringType?.Name}.{m?.Name}{where}";
    }

    private static string Safe<T>(Func<T, string> describe, T input)
    {
        try
        {
            return describe(input);
        }
        catch (Exception e)
        {
            return $"(input not printable: {e.GetType().Name})";
        }
    }

    /// <summary>A new directory for inputs a parser reads from a file: in memory (/dev/shm) when the machine has it.</summary>
    public static string ScratchDirectory()
    {
        var dir = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), "mpcsign-fuzz-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Hex of at most <paramref name="max"/> bytes, with the full length.</summary>
    public static string Hex(ReadOnlySpan<byte> b, int max = 2048) =>
        $"[{b.Length} bytes] " + Convert.ToHexStringLower(b[..Math.Min(b.Length, max)]) + (b.Length > max ? "..." : "");

    public static string Base64(ReadOnlySpan<byte> b) => $"[{b.Length} bytes, base64] " + Convert.ToBase64String(b);
}
