using System.Diagnostics;
using MpcSigning.Ca;
using MpcSigning.Crypto;

namespace MpcSigning.Tests.Ca;

/// <summary>A temporary data directory, removed on Dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("mpcsign-ca-test-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

internal static class TestRequests
{
    public static readonly byte[] SessionId = Convert.FromHexString("00112233445566778899aabbccddeeff");
    public static readonly byte[] ArtifactDigest = Hashes.Sha256("artifact"u8);
    public static readonly byte[] Measurement = Enumerable.Range(0, 48).Select(i => (byte)i).ToArray();

    public static readonly (string Email, string Role)[] Approvers =
        [("alice@example.com", ApproverRoles.Engineer), ("bob@example.com", ApproverRoles.Engineer), ("carol@example.com", ApproverRoles.Steward)];

    public static CodeSigningRequest For(byte[] publicKey) => new()
    {
        Ed25519PublicKey = publicKey,
        SessionId = SessionId,
        ArtifactDigest = ArtifactDigest,
        Approvers = Approvers,
        EnclaveMeasurement = Measurement,
        Lifetime = TimeSpan.FromMinutes(10),
    };

    /// <summary>A request for a fresh key; the secret key is disposed at once, as only the public key is certified.</summary>
    public static CodeSigningRequest ForFreshKey()
    {
        using var key = Ed25519.GenerateKey();
        return For(Ed25519.PublicKeyOf(key));
    }
}

/// <summary>Runs /usr/bin/openssl; tests use it as an independent parser and verifier.</summary>
internal static class OpenSsl
{
    public static (int ExitCode, string Output) Run(params string[] args)
    {
        var psi = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start openssl");
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout + stderr.Result);
    }
}
