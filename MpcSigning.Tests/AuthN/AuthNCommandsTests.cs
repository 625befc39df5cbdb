using System.CommandLine;
using MpcSigning.AuthN;
using MpcSigning.AuthN.Registry.Sqlite;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Cli;
using MpcSigning.Proto.AuthN;
using MpcSigning.Storage.Sqlite;

namespace MpcSigning.Tests.AuthN;

public class AuthNCommandsTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var dataDir = new Option<string?>("--data-dir");
        var root = new RootCommand { Options = { dataDir }, Subcommands = { AuthNCommands.Build(dataDir) } };
        var output = new StringWriter();
        var error = new StringWriter();
        var code = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [TestCase("ES256")]
    [TestCase("eddsa")]
    [TestCase("RS256")]
    public void CreateEnrollApprove_ThroughTheCli_ProducesAnAssertionTheRegistryAdmits(string algorithm)
    {
        using var dir = new TempDir();
        var keys = dir.File("keys");
        var data = dir.File("data");
        Assert.That(Run("authn", "create-authenticator", "--email", "alice@example.org", "--authenticator-dir", keys, "--algorithm", algorithm).Code,
            Is.Zero);
        var enroll = Run("--data-dir", data, "authn", "enroll", "--name", "Alice", "--email", "alice@example.org", "--role", "steward",
            "--authenticator-dir", keys);
        Assert.That(enroll.Code, Is.Zero, enroll.Err);
        Assert.That(Run("--data-dir", data, "authn", "list").Out, Does.Contain("alice@example.org\tsteward\tAlice"));

        var session = new string('0', 31) + "1";
        var digest = new string('a', 64);
        var approve = Run("authn", "approve", "--email", "alice@example.org", "--authenticator-dir", keys, "--session", session, "--digest", digest);
        Assert.That(approve.Code, Is.Zero, approve.Err);
        var assertion = Assertion.Parser.ParseFrom(Convert.FromBase64String(approve.Out.Trim()));
        var registry = new SqliteParticipantRegistry(SqliteDatabase.Open(Path.Combine(data, AuthNCommands.DatabaseFileName)));
        var challenge = ApprovalChallenge.Derive(Convert.FromHexString(session), Convert.FromHexString(digest));
        var o = Approvals.Admit(registry, "alice@example.org", assertion, challenge, RelyingParty.Default, 1, Role.Steward);
        Assert.That(o.Ok, Is.True, o.Message);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Test]
    public void Enroll_UnknownRole_PrintsOneLineAndFails()
    {
        using var dir = new TempDir();
        var r = Run("--data-dir", dir.Path, "authn", "enroll", "--name", "A", "--email", "a@example.org", "--role", "admin",
            "--authenticator-dir", dir.Path);
        Assert.That(r.Code, Is.Not.Zero);
        Assert.That(r.Err.Trim(), Does.StartWith("mpcsign: role 'admin' is not known").And.Not.Contain("\n"));
    }

    [Test]
    public void CreateAuthenticator_UnknownAlgorithm_PrintsOneLineAndCreatesNothing()
    {
        using var dir = new TempDir();
        var r = Run("authn", "create-authenticator", "--email", "a@example.org", "--authenticator-dir", dir.File("keys"), "--algorithm", "ES384");
        Assert.That(r.Code, Is.EqualTo(1));
        Assert.That(r.Err.Trim(), Does.StartWith("mpcsign: 'ES384' is not a software authenticator algorithm").And.Not.Contain("\n"));
        Assert.That(Directory.Exists(dir.File("keys")) ? Directory.GetFiles(dir.File("keys"), "*.json") : [], Is.Empty);
    }

    [Test]
    public void Approve_BadSessionHex_PrintsOneLineAndFails()
    {
        var r = Run("authn", "approve", "--email", "a@example.org", "--session", "xyz", "--digest", new string('a', 64));
        Assert.That(r.Code, Is.Not.Zero);
        Assert.That(r.Err, Does.Contain("--session must be 32 hex digits"));
    }
}
