namespace MpcSigning.Benchmarks;

/// <summary>What the profiling drivers (<see cref="SessionProfileDriver"/>, <see cref="LoneWriterProfileDriver"/>) report.</summary>
internal static class ProfileStats
{
    /// <summary>User and kernel CPU milliseconds of this process: fields 14 and 15 of /proc/self/stat (clock ticks of 10 ms).</summary>
    public static (double User, double Kernel) ProcessCpu()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) * 10.0,
            long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture) * 10.0);
    }

    /// <summary>The <paramref name="q"/> quantile of ascending <paramref name="sorted"/> (nearest rank).</summary>
    public static double Quantile(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
}
