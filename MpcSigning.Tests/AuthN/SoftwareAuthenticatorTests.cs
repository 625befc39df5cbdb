using MpcSigning.AuthN;
using MpcSigning.AuthN.Software;
using MpcSigning.AuthN.WebAuthn;

namespace MpcSigning.Tests.AuthN;

public class SoftwareAuthenticatorTests
{
    private static readonly byte[] Challenge = ApprovalChallenge.Derive(new byte[16], new byte[32]);

    [Test]
    public void GetAssertion_FreshAuthenticator_VerifiesAgainstItsPublicKey()
    {
        using var dir = new TempDir();
        var a = SoftwareAuthenticator.Create(dir.Path, "Alice@Example.org");
        var assertion = a.GetAssertion(Challenge, RelyingParty.Default);
        var r = AssertionVerifier.Verify(assertion, Challenge, RelyingParty.Default, a.PublicKeyCose, a.CredentialId, 0, false);
        Assert.That(r.Ok, Is.True, r.Message);
        Assert.That(r.NewSignCount, Is.EqualTo(1));
        Assert.That(a.CredentialId, Has.Length.InRange(16, 32));
    }

    [Test]
    public void GetAssertion_Repeated_CounterIncreasesAndSurvivesReload()
    {
        using var dir = new TempDir();
        var a = SoftwareAuthenticator.Create(dir.Path, "alice@example.org");
        a.GetAssertion(Challenge, RelyingParty.Default);
        a.GetAssertion(Challenge, RelyingParty.Default);
        var reloaded = SoftwareAuthenticator.Load(dir.Path, " ALICE@example.org ");
        Assert.That(reloaded.SignCount, Is.EqualTo(2));
        var third = reloaded.GetAssertion(Challenge, RelyingParty.Default);
        var r = AssertionVerifier.Verify(third, Challenge, RelyingParty.Default, a.PublicKeyCose, a.CredentialId, 2, false);
        Assert.That(r.NewSignCount, Is.EqualTo(3), r.Message);
        Assert.That(reloaded.CredentialId, Is.EqualTo(a.CredentialId));
    }

    [Test]
    public void Create_KeyFile_IsOwnerOnlyAndStaysSoAfterAssertions()
    {
        using var dir = new TempDir();
        var a = SoftwareAuthenticator.Create(dir.Path, "alice@example.org");
        Assert.That(File.GetUnixFileMode(a.FilePath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        a.GetAssertion(Challenge, RelyingParty.Default);
        Assert.That(File.GetUnixFileMode(a.FilePath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(Directory.GetFiles(dir.Path), Is.EquivalentTo(new[] { a.FilePath, a.FilePath + ".lock" }),
            "no temporary file is left behind, only the lock file");
        Assert.That(File.GetUnixFileMode(a.FilePath + ".lock"), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public void Load_GroupReadableFile_IsRefusedAsInsecure()
    {
        using var dir = new TempDir();
        var a = SoftwareAuthenticator.Create(dir.Path, "alice@example.org");
        File.SetUnixFileMode(a.FilePath, (UnixFileMode)0b110_100_100); // 0644
        var e = Assert.Throws<AuthNException>(() => SoftwareAuthenticator.Load(dir.Path, "alice@example.org"))!;
        Assert.That(e.Code, Is.EqualTo(AuthNError.AuthenticatorFileInsecure));
        Assert.That(e.Message, Does.Contain("chmod 600").And.Contain("644"));
        Assert.That(() => a.GetAssertion(Challenge, RelyingParty.Default),
            Throws.TypeOf<AuthNException>().With.Property("Code").EqualTo(AuthNError.AuthenticatorFileInsecure));
    }

    [Test]
    public void Load_MissingFile_SaysToCreateOne()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<AuthNException>(() => SoftwareAuthenticator.Load(dir.Path, "bob@example.org"))!;
        Assert.That(e.Code, Is.EqualTo(AuthNError.AuthenticatorMissing));
        Assert.That(e.Message, Does.Contain("create one"));
    }

    [Test]
    public void Load_CorruptFile_IsRefusedAsMalformed()
    {
        using var dir = new TempDir();
        var a = SoftwareAuthenticator.Create(dir.Path, "alice@example.org");
        File.WriteAllText(a.FilePath, "{\"format\":\"mpcsign-software-authenticator/v1\",\"signCount\":-1}");
        var e = Assert.Throws<AuthNException>(() => SoftwareAuthenticator.Load(dir.Path, "alice@example.org"))!;
        Assert.That(e.Code, Is.EqualTo(AuthNError.AuthenticatorFileMalformed));
    }

    [Test]
    public void GetAssertion_TwoLoadsOfOneFileUsedAtOnce_NeverSignTwoAssertionsWithTheSameCounter()
    {
        using var dir = new TempDir();
        SoftwareAuthenticator.Create(dir.Path, "alice@example.org");
        // Two loads of the same file, as two processes (or two commands in one process) would hold it.
        var loads = new[] { SoftwareAuthenticator.Load(dir.Path, "alice@example.org"), SoftwareAuthenticator.Load(dir.Path, "alice@example.org") };
        const int perThread = 15;
        var counters = new System.Collections.Concurrent.ConcurrentBag<uint>();
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
        {
            for (var i = 0; i < perThread; i++)
            {
                var assertion = loads[t % 2].GetAssertion(Challenge, RelyingParty.Default);
                counters.Add(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(assertion.AuthenticatorData.Span[33..37]));
            }
        });
        Assert.That(counters.Order().ToArray(), Is.EqualTo(Enumerable.Range(1, 4 * perThread).Select(i => (uint)i).ToArray()));
        Assert.That(SoftwareAuthenticator.Load(dir.Path, "alice@example.org").SignCount, Is.EqualTo(4 * perThread));
    }

    [Test]
    public void GetAssertion_WhileAnotherHolderHasTheLock_WaitsAndSignsOnceReleased()
    {
        using var dir = new TempDir();
        var a = SoftwareAuthenticator.Create(dir.Path, "alice@example.org");
        using var held = MpcSigning.Interop.FileLock.Acquire(a.FilePath + ".lock", TimeSpan.Zero);
        var waiting = Task.Run(() => a.GetAssertion(Challenge, RelyingParty.Default));
        Assert.That(waiting.Wait(TimeSpan.FromMilliseconds(500)), Is.False, "it waits while the lock is held");
        held.Dispose();
        Assert.That(waiting.Wait(TimeSpan.FromSeconds(10)), Is.True, "and signs once it is released");
        Assert.That(a.SignCount, Is.EqualTo(1));
    }

    [Test]
    public void Create_Twice_RefusesToOverwriteTheKey()
    {
        using var dir = new TempDir();
        SoftwareAuthenticator.Create(dir.Path, "alice@example.org");
        var e = Assert.Throws<AuthNException>(() => SoftwareAuthenticator.Create(dir.Path, "ALICE@example.org"))!;
        Assert.That(e.Code, Is.EqualTo(AuthNError.AuthenticatorExists));
    }

    [Test]
    public void Create_InvalidEmail_IsRefused() =>
        Assert.That(() => SoftwareAuthenticator.Create(Path.GetTempPath(), "not-an-email"),
            Throws.TypeOf<AuthNException>().With.Property("Code").EqualTo(AuthNError.InvalidEmail));

    [TestCase("alice@example.org", "alice@example.org.json")]
    [TestCase(" Alice@Example.ORG ", "alice@example.org.json")]
    [TestCase("a'b@example.org", "a%27b@example.org.json")]
    [TestCase("é@example.org", "%C3%A9@example.org.json")]
    public void FileNameFor_Email_IsNormalizedAndEscaped(string email, string expected) =>
        Assert.That(SoftwareAuthenticator.FileNameFor(email), Is.EqualTo(expected));

    [Test]
    public void GetAssertion_ClientData_HasTheBrowserShape()
    {
        using var dir = new TempDir();
        var a = SoftwareAuthenticator.Create(dir.Path, "alice@example.org");
        var json = a.GetAssertion(Challenge, RelyingParty.Default).ClientDataJson.ToStringUtf8();
        Assert.That(json, Is.EqualTo(
            $$"""{"type":"webauthn.get","challenge":"{{System.Buffers.Text.Base64Url.EncodeToString(Challenge)}}","origin":"https://mpcsign.local","crossOrigin":false}"""));
    }
}
