using BenchmarkDotNet.Attributes;
using MpcSigning.AuthN.Software;
using MpcSigning.Bundle.Verification;
using MpcSigning.Hosting;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Coordinator;

namespace MpcSigning.Benchmarks;

/// <summary>
/// One whole session in process: request, three WebAuthn approvals (software authenticators, which fsync their
/// counters), key, certificate, DSSE signature, durable log append, bundle, and offline verification of the bundle.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(warmupCount: 3, iterationCount: 15)]
public class EndToEndBenchmarks
{
    private BenchNode _bench = null!;
    private NodeHost _node = null!;
    private VerifierTrust _trust = null!;

    [GlobalSetup]
    public void Setup()
    {
        _bench = BenchNode.Start([("Alice", Role.Engineer), ("Bob", Role.Steward), ("Carol", Role.Steward)]);
        _node = _bench.Host;
        var log = _node.TransparencyLog.Identity;
        _trust = new VerifierTrust([_node.CertificateAuthority.Certificate], log.PublicKey, log.KeyName, _node.RelyingParty,
            _bench.Config.Coordinator.Policy, null)
        {
            PinnedSignerKeys = _node.SignerIdentities.Select(i => i.Record.IdentityPublicKey.ToByteArray()).ToArray(),
        };
    }

    private string Auth => _bench.Auth;

    private static string Email(string name) => BenchNode.Email(name);

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
    public void Cleanup() => _bench.Stop();
}
