using MpcSigning.Bundle.Mpcsign;
using MpcSigning.Bundle.Sigstore;
using MpcSigning.Ca;
using MpcSigning.Coordinator;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Flow;

/// <summary>A crash mid-signing restarts the signing step with a new DKG; the session still ends with one entry.</summary>
public class SigningCrashTests
{
    /// <summary>Lets the real pipeline sign, then crashes once before the Signed event is persisted.</summary>
    private sealed class CrashOnceAfterSigning(ISigningPipeline inner) : ISigningPipeline
    {
        public List<byte[]> SignedKeys { get; } = new();

        public async Task<Signed> SignAsync(SessionState session, CancellationToken ct)
        {
            var signed = await inner.SignAsync(session, ct);
            using var cert = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(signed.CertificateDer.ToByteArray());
            SignedKeys.Add(SessionCertificateInfo.ReadEd25519PublicKey(cert));
            if (SignedKeys.Count == 1) throw new IOException("simulated crash after signing, before the Signed event");
            return signed;
        }

        public Task<Logged> LogAsync(SessionState session, CancellationToken ct) => inner.LogAsync(session, ct);
    }

    [Test]
    public async Task Session_CrashAfterSigningBeforePersisting_SignsAgainWithANewKeyAndLogsOnce()
    {
        CrashOnceAfterSigning? crash = null;
        await using var node = await TestNode.StartAsync(wrapPipeline: p => crash = new CrashOnceAfterSigning(p));
        var digest = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var s = await node.RequestAsync(digest);
        await node.ApproveAsync(s, "alice@example.com");
        await node.ApproveAsync(s, "bob@example.com");
        var refused = Assert.ThrowsAsync<MpcSigning.Hosting.ServiceRefusedException>(() => node.ApproveAsync(s, "carol@example.com"));
        Assert.That(refused!.Message, Does.Contain("resumes automatically"));

        SessionStatus status;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await Task.Delay(100);
            status = await node.Host.Client.StatusAsync(s);
        } while (status.Phase != SessionPhase.Completed && DateTime.UtcNow < deadline);

        Assert.That(status.Phase, Is.EqualTo(SessionPhase.Completed));
        Assert.That(crash!.SignedKeys, Has.Count.EqualTo(2));
        Assert.That(crash.SignedKeys[1], Is.Not.EqualTo(crash.SignedKeys[0]), "the retry must run a new DKG");
        var bundle = SigstoreBundleJson.Read(status.BundleJson.Memory);
        using var cert = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(bundle.CertificateDer);
        Assert.That(SessionCertificateInfo.ReadEd25519PublicKey(cert), Is.EqualTo(crash.SignedKeys[1]));
        Assert.That(MpcsignSection.Read(bundle.Mpcsign!.Value).Approvals, Has.Count.EqualTo(3));
        Assert.That(await node.Host.TransparencyLog.FindByArtifactDigestAsync(Convert.ToHexStringLower(digest)), Has.Count.EqualTo(1));
    }
}
