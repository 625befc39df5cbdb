using System.Diagnostics;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Hosting.Grpc;

/// <summary>
/// The README's walk-through against a running node (`mpcsign node`, then the CLI with --node), run as it stands by a new
/// user (an empty home directory; `mpcsign` on the PATH as the install step makes it).
/// </summary>
[NonParallelizable]
public class ReadmeGrpcWalkthroughTests
{
    private static string[] Block(string marker)
    {
        string? readme = null;
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null && readme is null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "README.md")) && Directory.Exists(Path.Combine(d.FullName, "MpcSigning")))
                readme = Path.Combine(d.FullName, "README.md");
        var lines = File.ReadAllLines(readme ?? throw new FileNotFoundException("README.md was not found"));
        var at = Array.FindIndex(lines, l => l.Contains(marker));
        Assert.That(at, Is.GreaterThanOrEqualTo(0), $"README has no '{marker}'");
        return lines.Skip(at + 1).SkipWhile(l => l.Trim().Length == 0).TakeWhile(l => l.StartsWith("    ")).Select(l => l[4..]).ToArray();
    }

    [Test]
    public void Readme_AgainstARunningNode_RunsVerbatim()
    {
        using var home = new TempDir();
        var steps = Block("Against a running node, as it stands");
        Assert.That(steps, Has.Length.GreaterThan(5));
        // 'mpcsign' as the install step makes it (a command on the PATH, so that 'kill %1' stops the node itself).
        var bin = Path.Combine(home.Path, "bin");
        Directory.CreateDirectory(bin);
        File.WriteAllText(Path.Combine(bin, "mpcsign"), $"#!/bin/sh\nexec dotnet '{Mpcsign.Dll}' \"$@\"\n");
        File.SetUnixFileMode(Path.Combine(bin, "mpcsign"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // The slow part of a first start (the simulated SEV-SNP authority's RSA keys), made once per test run.
        TestNode.SeedSimulatedAuthority(Path.Combine(home.Path, "mpcsign-remote", "node"));

        var psi = new ProcessStartInfo("bash") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["HOME"] = home.Path;
        psi.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        psi.Environment["MPCSIGN_GRPC_LISTEN"] = "127.0.0.1:0"; // a free port: tests never take a fixed one
        psi.Environment.Remove("MPCSIGN_ALLOW_SIMULATED_ATTESTATION"); // as a new user has it: the shipped configuration decides
        psi.Environment.Remove("MPCSIGN_NODE");
        using var p = Process.Start(psi)!;
        p.StandardInput.Write(string.Join('\n', ["set -e", .. steps]));
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail("the walk-through did not finish within 3 minutes");
        }

        Assert.That(p.ExitCode, Is.EqualTo(0), stdout.Result + stderr.Result);
        Assert.That(stdout.Result, Does.Contain("serving gRPC at https://127.0.0.1:"));
        Assert.That(stdout.Result.Split('\n').Count(l => l.StartsWith("verified:")), Is.EqualTo(1), stdout.Result);
        Assert.That(stdout.Result.Split('\n').Count(l => l.Contains("signed, certified and logged")), Is.EqualTo(2), stdout.Result);
        Assert.That(stdout.Result, Does.Contain("mpcsign.local/log"));
    }
}
