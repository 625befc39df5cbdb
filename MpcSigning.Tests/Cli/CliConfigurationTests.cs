using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Cli;

/// <summary>Configuration and start-up options: each mistake is refused at start, in one line naming the setting (exit 2).</summary>
[NonParallelizable]
public class CliConfigurationTests
{
    private static readonly string NoSession = new('0', 32);

    private TempDir _dir = null!;

    [SetUp]
    public void Dir() => _dir = new TempDir();

    [TearDown]
    public void Clean() => _dir.Dispose();

    private string Data => _dir.File("data");

    /// <summary>The shipped configuration, changed by <paramref name="edit"/>, written to DIR/config/mpcsign.json.</summary>
    private string UserConfig(Func<string, string> edit)
    {
        var shipped = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "config", "mpcsign.json"));
        Directory.CreateDirectory(_dir.File("config"));
        var path = _dir.File(Path.Combine("config", "mpcsign.json"));
        File.WriteAllText(path, edit(shipped));
        return path;
    }

    private static void AssertOneLineNaming(Mpcsign.Result r, int exitCode, string mentions)
    {
        Assert.That(r.ExitCode, Is.EqualTo(exitCode), r.Err);
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), r.Err);
        Assert.That(lines[0], Does.Contain(mentions));
        Assert.That(r.Err, Does.Not.Contain("   at "));
    }

    [Test]
    public void Config_RelativePath_IsTheWorkingDirectorysFileNotTheBinarysCopy()
    {
        // The user's copy asks for a quorum of nobody, which the binary's copy does not: refused only if theirs is read.
        UserConfig(json => json.Replace("\"RequiredEngineers\": 1", "\"RequiredEngineers\": 0").Replace("\"RequiredStewards\": 2", "\"RequiredStewards\": 0"));

        var r = Mpcsign.RunIn(_dir.Path, [], "status", "--session", NoSession, "--config", "config/mpcsign.json", "--data-dir", Data);

        AssertOneLineNaming(r, 2, "at least one approver");
    }

    [Test]
    public void Config_Verbose_SaysWhichFileWasLoaded()
    {
        var path = UserConfig(json => json);

        var r = Mpcsign.RunIn(_dir.Path, [], "status", "--session", NoSession, "--config", "config/mpcsign.json", "--data-dir", Data, "--verbose");

        Assert.That(r.Err, Does.Contain("Configuration loaded from " + path));
    }

    [Test]
    public void Config_MissingFile_IsOneLineNamingIt() =>
        AssertOneLineNaming(Mpcsign.Run(Data, "status", "--session", NoSession, "--config", _dir.File("nope.json")), 2, "nope.json");

    [Test]
    public void Config_Directory_SaysItIsADirectory() =>
        AssertOneLineNaming(Mpcsign.Run(Data, "status", "--session", NoSession, "--config", _dir.Path), 2, "is a directory");

    [TestCase("MPCSIGN_THRESHOLD", "1")]
    [TestCase("MPCSIGN_THRESHOLD", "4")]
    [TestCase("MPCSIGN_SIGNERS", "1")]
    public void Frost_ThresholdOutsideTwoToN_IsRefusedAtStartNamingTheVariable(string variable, string value)
    {
        var r = Mpcsign.RunWith([(variable, value)], Data, "status", "--session", NoSession);
        AssertOneLineNaming(r, 2, variable);
        Assert.That(Directory.Exists(Data), Is.False, "refused before anything was opened");
    }

    [TestCase("mpcsign.local")]
    [TestCase("http://mpcsign.local")]
    [TestCase("https://mpcsign.local/approve")]
    [TestCase("https://mpcsign.local/")]
    [TestCase("ftp://mpcsign.local")]
    public void RpOrigin_NotAnHttpsOrigin_IsRefusedAtStartNamingTheVariable(string origin) =>
        AssertOneLineNaming(Mpcsign.RunWith([("MPCSIGN_RP_ORIGIN", origin)], Data, "status", "--session", NoSession), 2, "MPCSIGN_RP_ORIGIN");

    [Test]
    public void LogJson_ADirectory_IsRefusedAtStartInsteadOfWritingNothing()
    {
        var r = Mpcsign.Run(Data, "trust-root", "--log-json", _dir.Path);
        AssertOneLineNaming(r, 2, "--log-json");
        Assert.That(r.Err, Does.Contain("is a directory"));
    }

    [Test]
    public void LogJson_APathThatCannotBeCreated_IsRefusedAtStartInsteadOfWritingNothing()
    {
        File.WriteAllText(_dir.File("a-file"), "");
        var r = Mpcsign.Run(Data, "trust-root", "--log-json", _dir.File("a-file/log.json"));
        AssertOneLineNaming(r, 2, "--log-json");
    }

    [Test]
    public void LogJson_AWritableFile_GetsTheAuditTrail()
    {
        var log = _dir.File("logs/audit.json");
        var r = Mpcsign.Run(Data, "trust-root", "--log-json", log);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Err);
        Assert.That(File.ReadAllText(log), Does.Contain("\"Level\""));
    }
}
