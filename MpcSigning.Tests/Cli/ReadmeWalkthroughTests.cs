using System.Diagnostics;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Cli;

/// <summary>The README's command-by-command walk-through, run as it stands by a new user (an empty home directory).</summary>
[NonParallelizable]
public class ReadmeWalkthroughTests
{
    /// <summary>The indented block that follows the sentence containing <paramref name="marker"/>.</summary>
    private static string[] Block(string marker)
    {
        var lines = File.ReadAllLines(ReadmePath());
        var at = Array.FindIndex(lines, l => l.Contains(marker));
        Assert.That(at, Is.GreaterThanOrEqualTo(0), $"README has no '{marker}'");
        return lines.Skip(at + 1).SkipWhile(l => l.Trim().Length == 0).TakeWhile(l => l.StartsWith("    ")).Select(l => l[4..]).ToArray();
    }

    private static string ReadmePath()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "README.md")) && Directory.Exists(Path.Combine(d.FullName, "MpcSigning")))
                return Path.Combine(d.FullName, "README.md");
        throw new FileNotFoundException("README.md was not found above " + AppContext.BaseDirectory);
    }

    [Test]
    public void Readme_CommandByCommand_RunsVerbatimAndVerifiesTwice()
    {
        using var home = new TempDir();
        var steps = Block("Run it as it stands");
        Assert.That(steps, Has.Length.GreaterThan(5));
        // 'mpcsign' as the README's install step makes it: here the binary under test.
        var script = string.Join('\n', ["set -e", $"mpcsign() {{ dotnet '{Mpcsign.Dll}' \"$@\"; }}", .. steps]);
        var psi = new ProcessStartInfo("bash") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["HOME"] = home.Path;
        psi.Environment.Remove("MPCSIGN_ALLOW_SIMULATED_ATTESTATION"); // as a new user has it: the shipped configuration decides
        using var p = Process.Start(psi)!;
        p.StandardInput.Write(script);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail("the walk-through did not finish within 5 minutes");
        }

        Assert.That(p.ExitCode, Is.EqualTo(0), stderr.Result);
        Assert.That(stdout.Result.Split('\n').Count(l => l.StartsWith("verified:")), Is.EqualTo(2), stdout.Result);
        Assert.That(stdout.Result, Does.Contain("signed, certified and logged"));
        Assert.That(File.Exists(Path.Combine(home.Path, "mpcsign-walkthrough", "bundle.json")));
    }
}
