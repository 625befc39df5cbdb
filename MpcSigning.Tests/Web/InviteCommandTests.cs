using MpcSigning.AuthN.Invitations;
using MpcSigning.Hosting;
using MpcSigning.Hosting.Grpc;
using MpcSigning.Proto.AuthN;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Web;

/// <summary>
/// <c>mpcsign invite</c> on a data directory (the embedded node) and AuthN.CreateInvitation over the node's gRPC edge
/// (mutual TLS, attested): the link carries a token the node stores only as its hash; bad input is one line, exit 1.
/// </summary>
[NonParallelizable]
public class InviteCommandTests
{
    private static readonly (string, string)[] Env = [("MPCSIGN_ALLOW_SIMULATED_ATTESTATION", "true"), ("MPCSIGN_RP_ORIGIN", "https://approve.example:8443")];

    [Test]
    public void Invite_on_the_data_directory_prints_a_one_time_link()
    {
        using var dir = new TempDir();
        TestNode.SeedSimulatedAuthority(dir.Path);
        var r = Mpcsign.RunWith(Env, dir.Path, "invite", "--name", "Alice", "--email", "Alice@Example.org", "--role", "steward", "--expires", "2h");
        Assert.That(r.ExitCode, Is.Zero, r.Err);
        var link = r.Out.Trim();
        Assert.That(link, Does.Match("^https://approve\\.example:8443/enrol/[A-Za-z0-9_-]{43}$"));
        Assert.That(r.Err, Does.Contain("invited Alice <alice@example.org> as steward until"));

        var db = MpcSigning.Storage.Sqlite.SqliteDatabase.Open(Path.Combine(dir.Path, NodeHost.DatabaseFileName));
        var stored = new SqliteInvitationStore(db).Find(InvitationTokens.HashOf(link[(link.LastIndexOf('/') + 1)..])!);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Assert.That(stored, Is.Not.Null);
        Assert.That((stored!.Email, stored.Role, stored.ExpiresAtUnixMs - stored.CreatedAtUnixMs), Is.EqualTo(("alice@example.org", Role.Steward, 2 * 3600_000L)));
    }

    [TestCase("--role", "admin", "admin")]
    [TestCase("--expires", "forever", "--expires 'forever' is not a duration")]
    [TestCase("--expires", "45d", "between 1 minute and 30 days")]
    [TestCase("--email", "nobody", "nobody")]
    public void Bad_input_is_one_line_and_exit_1(string option, string value, string named)
    {
        using var dir = new TempDir();
        TestNode.SeedSimulatedAuthority(dir.Path);
        var args = new Dictionary<string, string> { ["--name"] = "Alice", ["--email"] = "alice@example.org", ["--role"] = "engineer" };
        args[option] = value;
        var r = Mpcsign.RunWith(Env, dir.Path, ["invite", .. args.SelectMany(a => new[] { a.Key, a.Value })]);
        Assert.That(r.ExitCode, Is.EqualTo(1), r.Out + r.Err);
        var last = r.Err.Trim().Split('\n')[^1]; // after the simulated-attestation warnings
        Assert.That(last, Does.StartWith("mpcsign: ").And.Contain(named));
        Assert.That(r.Err, Does.Not.Contain(" at MpcSigning"));
    }

    [Test]
    public async Task CreateInvitation_over_grpc()
    {
        await using var web = await WebNode.StartAsync();
        using var client = new TempDir();
        var dev = Path.Combine(web.Node.Dir.Path, GrpcTls.DevFolder);
        (string, string)[] env =
        [
            (GrpcNodeAccess.CaVariable, Path.Combine(dev, GrpcTls.CaCertFile)),
            (GrpcNodeAccess.CertVariable, Path.Combine(dev, GrpcTls.ClientCertFile)),
            (GrpcNodeAccess.KeyVariable, Path.Combine(dev, GrpcTls.ClientKeyFile)),
        ];
        var config = web.Node.Host.Config with { SimulatedRootDir = web.Node.Dir.Path };
        await using var access = await GrpcNodeAccess.ConnectAsync(web.Server.Url, config, DataDirectory.Open(client.Path),
            n => env.FirstOrDefault(e => e.Item1 == n).Item2);
        var created = await access.Client.CreateInvitationAsync("Bob", "bob@example.org", Role.Engineer, TimeSpan.FromHours(1));
        Assert.That(InvitationTokens.HashOf(created.Token), Is.EqualTo(created.Invitation.TokenSha256.ToByteArray()));
        var shown = await web.Node.Host.Client.BeginInvitedRegistrationAsync(created.Token);
        Assert.That((shown.Invitation.Name, shown.Invitation.Role), Is.EqualTo(("Bob", Role.Engineer)));

        var e = Assert.ThrowsAsync<ServiceRefusedException>(() => access.Client.CreateInvitationAsync("Bob", "bob@example.org", Role.Engineer, TimeSpan.FromDays(60)));
        Assert.That(e!.Error.Code, Is.EqualTo("authn.invitationlifetimeinvalid"));
    }
}
