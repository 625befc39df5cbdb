using MpcSigning.AuthN.Software;
using MpcSigning.Cli;
using MpcSigning.Hosting;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Coordinator;

namespace MpcSigning.Tests.Support;

/// <summary>
/// A real node in a temporary data directory, with Alice (engineer), Bob, Carol (stewards) and Dave (engineer)
/// enrolled through software authenticators. The simulated SEV-SNP authority is created once per test run and copied
/// into each data directory, because generating its RSA-4096 keys is the slow part of a first start.
/// </summary>
public sealed class TestNode : IAsyncDisposable
{
    public static readonly (string Name, string Email, Role Role)[] People =
    [
        ("Alice", "alice@example.com", Role.Engineer),
        ("Bob", "bob@example.com", Role.Steward),
        ("Carol", "carol@example.com", Role.Steward),
        ("Dave", "dave@example.com", Role.Engineer),
    ];

    private static readonly Lazy<TempDir> Template = new(CreateTemplate);

    private TestNode(TempDir dir, NodeHost host, ManualClock clock)
    {
        Dir = dir;
        Host = host;
        Clock = clock;
    }

    public TempDir Dir { get; }

    public NodeHost Host { get; private set; }

    public ManualClock Clock { get; }

    public string AuthenticatorDir => Dir.File("authenticators");

    public static NodeConfig Config(params (string Name, string Value)[] env)
    {
        // a failed signing attempt is retried after 1 s (then 3 s) rather than a node's 5 s, to keep the suite short
        var all = env.Append((Name: "MPCSIGN_ALLOW_SIMULATED_ATTESTATION", Value: "true"))
            .Append((Name: "MPCSIGN_SIGNING_RETRY_SECONDS", Value: "1")).ToArray();
        return NodeConfig.Load(null, n => all.FirstOrDefault(e => e.Name == n).Value);
    }

    public static async Task<TestNode> StartAsync(NodeConfig? config = null,
        Func<MpcSigning.Coordinator.ISigningPipeline, MpcSigning.Coordinator.ISigningPipeline>? wrapPipeline = null,
        Action<Akka.Hosting.AkkaConfigurationBuilder>? configureAkka = null)
    {
        var dir = new TempDir();
        CopyDirectory(Path.Combine(Template.Value.Path, "snp-simulated"), dir.File("snp-simulated"));
        var clock = new ManualClock();
        var host = await NodeHost.StartAsync(config ?? Config(), DataDirectory.Open(dir.Path), clock, wrapPipeline, configureAkka);
        var node = new TestNode(dir, host, clock);
        foreach (var (name, email, role) in People)
            await FlowCommands.EnrollAsync(host.Client, host.RelyingParty, node.AuthenticatorDir, name, email, role);
        return node;
    }

    /// <summary>Gives a fresh data directory the test run's simulated SEV-SNP authority (generating one is slow).</summary>
    public static void SeedSimulatedAuthority(string dataDir) =>
        CopyDirectory(Path.Combine(Template.Value.Path, "snp-simulated"), Path.Combine(dataDir, "snp-simulated"));

    /// <summary>Stops the node and starts a new one on the same data directory (a crash between commands).</summary>
    public async Task RestartAsync()
    {
        await Host.DisposeAsync();
        Host = await NodeHost.StartAsync(Host.Config, DataDirectory.Open(Dir.Path), Clock);
    }

    public async Task<byte[]> RequestAsync(byte[]? digest = null)
    {
        var requested = await Host.Client.RequestSigningAsync(digest ?? System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), "artifact", "test");
        return requested.SessionId.ToByteArray();
    }

    /// <summary>A fresh assertion by <paramref name="email"/> over <paramref name="sessionId"/>'s challenge.</summary>
    public async Task<Assertion> AssertionAsync(byte[] sessionId, string email)
    {
        var status = await Host.Client.StatusAsync(sessionId);
        return SoftwareAuthenticator.Load(AuthenticatorDir, email).GetAssertion(status.Challenge.ToByteArray(), Host.RelyingParty);
    }

    public async Task<SessionStatus> ApproveAsync(byte[] sessionId, string email) =>
        await Host.Client.ApproveAsync(sessionId, email, await AssertionAsync(sessionId, email));

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        Dir.Dispose();
    }

    private static TempDir CreateTemplate()
    {
        var dir = new TempDir();
        var host = NodeHost.StartAsync(Config(), DataDirectory.Open(dir.Path), TimeProvider.System).GetAwaiter().GetResult();
        host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return dir;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var f in Directory.GetFiles(from))
        {
            var target = Path.Combine(to, Path.GetFileName(f));
            File.Copy(f, target);
            File.SetUnixFileMode(target, File.GetUnixFileMode(f));
        }
    }
}
