using System.Diagnostics;

namespace MpcSigning.Tests.Support;

/// <summary>Runs the real mpcsign binary (mpcsign.dll beside the test assembly) as a separate process.</summary>
public static class Mpcsign
{
    public sealed record Result(int ExitCode, string Out, string Err);

    public static string Dll => Path.Combine(AppContext.BaseDirectory, "mpcsign.dll");

    public static Result Run(string dataDir, params string[] args) => RunWith([], dataDir, args);

    public static Result RunWith((string Name, string Value)[] env, string dataDir, params string[] args) =>
        RunWith(env, dataDir, TimeSpan.FromMinutes(2), args);

    /// <summary>Runs mpcsign; fails the test (and kills the process) if it has not exited within <paramref name="limit"/>.</summary>
    public static Result RunWith((string Name, string Value)[] env, string dataDir, TimeSpan limit, params string[] args)
    {
        using var p = Process.Start(StartInfo(env, dataDir, args))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(limit))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"mpcsign {string.Join(' ', args)} did not finish within {limit.TotalSeconds} s");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>
    /// Runs mpcsign in <paramref name="workingDirectory"/> without --data-dir (tests set HOME to place the default one).
    /// </summary>
    public static Result RunIn(string workingDirectory, (string Name, string Value)[] env, params string[] args)
    {
        var psi = StartInfo(env, null, args);
        psi.WorkingDirectory = workingDirectory;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"mpcsign {string.Join(' ', args)} did not finish within 120 s");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary><c>dotnet mpcsign.dll ARGS --data-dir DIR</c> (no --data-dir when null), output redirected, simulated attestation allowed.</summary>
    public static ProcessStartInfo StartInfo((string Name, string Value)[] env, string? dataDir, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (dataDir is not null)
        {
            psi.ArgumentList.Add("--data-dir");
            psi.ArgumentList.Add(dataDir);
        }
        psi.Environment["MPCSIGN_ALLOW_SIMULATED_ATTESTATION"] = "true";
        foreach (var (n, v) in env) psi.Environment[n] = v;
        return psi;
    }
}
