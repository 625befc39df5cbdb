using BenchmarkDotNet.Running;

namespace MpcSigning.Benchmarks;

public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["profile-sessions", ..]) SessionProfileDriver.Run(args[1..]);
        else if (args is ["profile-lonewriter", ..]) LoneWriterProfileDriver.Run(args[1..]);
        else BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
