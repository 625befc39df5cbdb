using System.ComponentModel;
using System.Diagnostics;
using MpcSigning.Interop;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Interop;

/// <summary>
/// libsodium is part of the application (NuGet package "libsodium" 1.0.22, loaded by NSec and by mpcsign's own
/// bindings alike): the system's copies are not needed, and without the bundled one a command fails with exit 3
/// and one line. The process tests hide libraries inside a private mount namespace (unshare -m, a bind mount of
/// /dev/null over each file), which needs root or CAP_SYS_ADMIN, as CI has.
/// </summary>
[NonParallelizable]
public class BundledLibsodiumTests
{
    private static string BundledLibrary => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libsodium.so");

    private TempDir _dir = null!;

    [SetUp]
    public void Dir() => _dir = new TempDir();

    [TearDown]
    public void Clean() => _dir.Dispose();

    [Test]
    public void Library_IsTheBundledOne_Version1022_MappedOnce()
    {
        Sodium.EnsureInitialized();
        Assert.That(Sodium.Version, Is.EqualTo("1.0.22"));
        var mapped = File.ReadLines("/proc/self/maps")
            .Select(l => l.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length == 6 && Path.GetFileName(f[5]).StartsWith("libsodium", StringComparison.Ordinal))
            .Select(f => f[5].Trim())
            .Distinct()
            .ToList();
        Assert.That(mapped, Is.EqualTo(new[] { Path.GetFullPath(BundledLibrary) }), "the only libsodium mapped is the bundled file");
    }

    [Test]
    public void Demo_WithTheSystemLibsodiumHidden_SignsAndVerifies()
    {
        var hidden = SystemLibsodium();
        var r = RunMpcsign(hidden, "demo", "--out", _dir.File("out"), "--data-dir", _dir.File("data"));
        Assert.That(r.ExitCode, Is.EqualTo(0), $"hidden: {string.Join(", ", hidden)}\n{r.Err}");
        Assert.That(r.Out, Does.Contain("Bundle verified"));
        Assert.That(File.Exists(_dir.File("out/bundle.json")));
    }

    [TestCase("demo", "--out", "{dir}/out", "--data-dir", "{dir}/data")]
    [TestCase("tlog", "checkpoint", "--data-dir", "{dir}/data")]
    [TestCase("authn", "create-authenticator", "--email", "alice@example.com", "--authenticator-dir", "{dir}/auth")]
    public void Command_WithTheBundledLibsodiumHiddenToo_ExitsThreeWithOneLine(params string[] args)
    {
        var r = RunMpcsign([.. SystemLibsodium(), BundledLibrary], [.. args.Select(a => a.Replace("{dir}", _dir.Path))]);
        Assert.That(r.ExitCode, Is.EqualTo(MpcSigning.Cli.CliErrors.MissingLibrary), r.Err);
        var lines = r.Err.Trim().Split('\n');
        Assert.That(lines, Has.Length.EqualTo(1), r.Err);
        Assert.That(lines[0], Does.Contain("the bundled native library libsodium.so was not found beside the application or in runtimes/linux-x64/native"));
        Assert.That(lines[0], Does.Contain("rebuild or republish"));
        Assert.That(lines[0], Does.Not.Contain("apt-get"));
    }

    /// <summary>Every libsodium in the dynamic linker's cache (none on a machine without a system copy).</summary>
    private static string[] SystemLibsodium()
    {
        var r = Run("ldconfig", ["-p"]);
        Assert.That(r.ExitCode, Is.EqualTo(0), "ldconfig -p: " + r.Err);
        return r.Out.Split('\n')
            .Where(l => l.TrimStart().StartsWith("libsodium", StringComparison.Ordinal) && l.Contains("=> ", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf("=> ", StringComparison.Ordinal) + 3)..].Trim())
            .Distinct()
            .ToArray();
    }

    /// <summary>
    /// Runs mpcsign in a private mount namespace in which each of <paramref name="hide"/> reads as an empty file
    /// (checked before mpcsign starts); the host's mounts are untouched. Without anything to hide, runs it plainly.
    /// </summary>
    private static Mpcsign.Result RunMpcsign(IReadOnlyList<string> hide, params string[] args)
    {
        string[] command = ["dotnet", Mpcsign.Dll, .. args];
        if (hide.Count == 0) return Run(command[0], command[1..]);
        RequireUnshare();
        const string script = """
            while [ "$1" != "--" ]; do mount --bind /dev/null "$1"; test ! -s "$1"; shift; done
            shift
            exec "$@"
            """;
        return Run("unshare", ["-m", "sh", "-euc", script, "sh", .. hide, "--", .. command]);
    }

    private static void RequireUnshare()
    {
        Mpcsign.Result probe;
        try
        {
            probe = Run("unshare", ["-m", "true"]);
        }
        catch (Win32Exception e)
        {
            Assert.Ignore("unshare is not available: " + e.Message);
            return;
        }
        if (probe.ExitCode != 0) Assert.Ignore("unshare -m is not permitted here (needs root or CAP_SYS_ADMIN): " + probe.Err.Trim());
    }

    private static Mpcsign.Result Run(string file, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["MPCSIGN_ALLOW_SIMULATED_ATTESTATION"] = "true";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', args)} did not finish within 2 minutes");
        }
        return new Mpcsign.Result(p.ExitCode, stdout.Result, stderr.Result);
    }
}
