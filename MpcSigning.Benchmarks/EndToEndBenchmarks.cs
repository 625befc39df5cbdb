using BenchmarkDotNet.Attributes;
using MpcSigning.AuthN.Software;
using MpcSigning.Bundle.Verification;
using MpcSigning.Cli;
using MpcSigning.Hosting;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Coordinator;

namespace MpcSigning.Benchmarks;

/// <summary>
/// One whole session in process: request, three WebAuthn approvals (software authenticators, which fsync their
/// counters), key, certificate, DSSE signature, durable log append, bundle, and offline verification of the bundle.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 15)]
public class EndToEndBenchmarks
{
    private string _dir = null!;
    private NodeHost _node = null!;
    private VerifierTrust _trust = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("mpcsign-bench-").FullName;
        var config = NodeConfig.Load(null, n => n == "MPCSIGN_ALLOW_SIMULATED_ATTESTATION" ? "true" : null);
        _node = NodeHost.StartAsync(config, DataDirectory.Open(_dir), TimeProvider.System).GetAwaiter().GetResult();
        foreach (var (name, role) in new[] { ("Alice", Role.Engineer), ("Bob", Role.Steward), ("Carol", Role.Steward) })
            FlowCommands.EnrollAsync(_node.Client, Auth, name, Email(name), role).GetAwaiter().GetResult();
        var log = _node.TransparencyLog.Identity;
        _trust = new VerifierTrust([_node.CertificateAuthority.Certificate], log.PublicKey, log.KeyName, _node.RelyingParty,
            config.Coordinator.Policy, null);
    }

    private string Auth => Path.Combine(_dir, "auth");

    private static string Email(string name) => name.ToLowerInvariant() + "@example.com";

    [Benchmark(Description = "request to verified bundle")]
    public async Task<bool> RequestToVerifiedBundle()
    {
        var digest = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var session = (await _node.Client.RequestSigningAsync(digest, "artifact", "bench")).SessionId.ToByteArray();
        var challenge = (await _node.Client.StatusAsync(session)).Challenge.ToByteArray();
        SessionStatus status = null!;
        foreach (var name in new[] { "Alice", "Bob", "Carol" })
        {
            var assertion = SoftwareAuthenticator.Load(Auth, Email(name)).GetAssertion(challenge, _node.RelyingParty);
            status = await _node.Client.ApproveAsync(session, Email(name), assertion);
        }
        var result = MpcsignVerifier.Verify(status.BundleJson.Memory, digest, _trust);
        if (!result.Ok) throw new InvalidOperationException(result.Message);
        return result.Ok;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _node.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_dir, recursive: true);
    }
}
