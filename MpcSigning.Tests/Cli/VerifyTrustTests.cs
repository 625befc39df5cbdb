using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Cli;

/// <summary>
/// 'mpcsign verify' on a verifier's machine: it never starts a node, never creates a key or a data directory, and
/// without trust material says in one line how to get it.
/// </summary>
[NonParallelizable]
public class VerifyTrustTests
{
    private TempDir _dir = null!;

    [OneTimeSetUp]
    public void SignOnce()
    {
        _dir = new TempDir();
        var demo = Mpcsign.Run(Node, "demo", "--out", _dir.File("out"));
        Assert.That(demo.ExitCode, Is.EqualTo(0), demo.Err);
    }

    [OneTimeTearDown]
    public void Clean() => _dir.Dispose();

    private string Node => _dir.File("node");

    private string Out(string name) => _dir.File(Path.Combine("out", name));

    /// <summary>A machine where mpcsign never ran: an empty home directory.</summary>
    private static (TempDir Home, (string, string)[] Env) FreshMachine()
    {
        var home = new TempDir();
        return (home, [("HOME", home.Path)]);
    }

    private static string[] ErrorLines(Mpcsign.Result r) => r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Test]
    public void Verify_WithoutTrustRootOnAMachineWithoutANode_SaysHowToGetTrustAndCreatesNothing()
    {
        var (home, env) = FreshMachine();
        using (home)
        {
            var r = Mpcsign.RunIn(home.Path, env, "verify", "--bundle", Out("bundle.json"), "--artifact", Out("artifact"));

            Assert.That(r.ExitCode, Is.EqualTo(2), r.Err);
            Assert.That(ErrorLines(r), Has.Length.EqualTo(1), r.Err);
            Assert.That(r.Err, Does.Contain("mpcsign trust-root").And.Contain("--trust-root"));
            Assert.That(Directory.EnumerateFileSystemEntries(home.Path), Is.Empty, "no data directory, no key, nothing");
        }
    }

    [Test]
    public void Verify_CaAloneAsTheOldReadmeShowed_SaysTheLogKeyIsNeededTooAndCreatesNothing()
    {
        var (home, env) = FreshMachine();
        using (home)
        {
            var r = Mpcsign.RunIn(home.Path, env, "verify", "--bundle", Out("bundle.json"), "--artifact", Out("artifact"), "--ca", Out("ca.pem"));

            Assert.That(r.ExitCode, Is.EqualTo(2), r.Err);
            Assert.That(ErrorLines(r), Has.Length.EqualTo(1), r.Err);
            Assert.That(r.Err, Does.Contain("--ca alone").And.Contain("--trust-root"));
            Assert.That(Directory.EnumerateFileSystemEntries(home.Path), Is.Empty);
        }
    }

    [Test]
    public void Verify_ArtifactDigestWhereNoDataDirectoryExists_RefusesAndDoesNotCreateIt()
    {
        var missing = _dir.File("no-such-node");
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Out("artifact"))));

        var r = Mpcsign.Run(missing, "verify", "--artifact-digest", digest, "--trust-root", Out("trust-root.json"));

        Assert.That(r.ExitCode, Is.EqualTo(2), r.Err);
        Assert.That(ErrorLines(r), Has.Length.EqualTo(1), r.Err);
        Assert.That(r.Err, Does.Contain("--bundle"));
        Assert.That(Directory.Exists(missing), Is.False);
    }

    [Test]
    public void Verify_OnTheNodesOwnDataDirectory_VerifiesBundleAndDigestWithoutStartingANode()
    {
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Out("artifact"))));

        var byBundle = Mpcsign.Run(Node, "verify", "--bundle", Out("bundle.json"), "--artifact", Out("artifact"));
        var byDigest = Mpcsign.Run(Node, "verify", "--artifact-digest", digest);

        foreach (var r in new[] { byBundle, byDigest })
        {
            Assert.That(r.ExitCode, Is.EqualTo(0), r.Err);
            Assert.That(r.Out, Does.StartWith("verified:"));
            // A node's start attests itself (and warns that the attestation is simulated); verify must not start one.
            Assert.That(r.Err, Does.Not.Contain("SIMULATED"), "verify started a node");
        }
    }
}
