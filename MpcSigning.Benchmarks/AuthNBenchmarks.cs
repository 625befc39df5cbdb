using BenchmarkDotNet.Attributes;
using MpcSigning.AuthN.Software;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Proto.AuthN;

namespace MpcSigning.Benchmarks;

/// <summary>Cost of checking one approval (WebAuthn L3 7.2, ES256) and of making one with the software authenticator.</summary>
[MemoryDiagnoser]
public class AuthNBenchmarks
{
    private string _dir = "";
    private SoftwareAuthenticator _authenticator = null!;
    private byte[] _challenge = [];
    private Assertion _assertion = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("mpcsign-authn-bench-").FullName;
        _authenticator = SoftwareAuthenticator.Create(_dir, "bench@example.org");
        _challenge = ApprovalChallenge.Derive(new byte[16], new byte[32]);
        _assertion = _authenticator.GetAssertion(_challenge, RelyingParty.Default);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [Benchmark]
    public bool VerifyAssertion() =>
        AssertionVerifier.Verify(_assertion, _challenge, RelyingParty.Default, _authenticator.PublicKeyCose,
            _authenticator.CredentialId, 0, backupEligible: false).Ok;

    [Benchmark]
    public int SoftwareAuthenticatorGetAssertion() =>
        _authenticator.GetAssertion(_challenge, RelyingParty.Default).Signature.Length;
}
