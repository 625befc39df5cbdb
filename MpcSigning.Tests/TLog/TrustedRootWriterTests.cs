using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using MpcSigning.TLog.Trust;

namespace MpcSigning.Tests.TLog;

public class TrustedRootWriterTests
{
    [Test]
    public async Task Write_CaChainAndLog_ProducesSigstoreTrustedRootShape()
    {
        using var dir = new TempDataDir();
        await using var log = dir.OpenLog();
        using var ca = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var notBefore = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var cert = new CertificateRequest("CN=mpcsign test CA", ca, HashAlgorithmName.SHA256).CreateSelfSigned(notBefore, notBefore.AddYears(1));
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
            TrustedRootWriter.Write(w, [cert.RawData], "https://mpcsign.local/ca", log.Identity, notBefore);
        var root = JsonDocument.Parse(ms.ToArray()).RootElement;

        Assert.That(root.GetProperty("mediaType").GetString(), Is.EqualTo("application/vnd.dev.sigstore.trustedroot.v0.1+json"));
        var tlog = root.GetProperty("tlogs")[0];
        Assert.That(tlog.GetProperty("baseUrl").GetString(), Is.EqualTo("https://mpcsign.local/log"));
        Assert.That(tlog.GetProperty("hashAlgorithm").GetString(), Is.EqualTo("SHA2_256"));
        var pk = tlog.GetProperty("publicKey");
        Assert.That(pk.GetProperty("keyDetails").GetString(), Is.EqualTo("PKIX_ED25519"));
        var spki = pk.GetProperty("rawBytes").GetBytesFromBase64();
        Assert.That(spki[^32..], Is.EqualTo(log.Identity.PublicKey));
        Assert.That(tlog.GetProperty("logId").GetProperty("keyId").GetBytesFromBase64(), Is.EqualTo(SHA256.HashData(spki)));
        Assert.That(pk.GetProperty("validFor").GetProperty("start").GetString(), Is.EqualTo("2025-01-01T00:00:00Z"));
        var authority = root.GetProperty("certificateAuthorities")[0];
        Assert.That(authority.GetProperty("certChain").GetProperty("certificates")[0].GetProperty("rawBytes").GetBytesFromBase64(), Is.EqualTo(cert.RawData));
        Assert.That(authority.GetProperty("validFor").GetProperty("end").GetString(), Is.EqualTo("2026-01-01T00:00:00Z"));
    }

    [Test]
    public void LogId_IsSha256OfSpkiFromDotNetsOwnEd25519Encoding()
    {
        // Cross-check the hand-built RFC 8410 SPKI against the fixed Ed25519 SPKI header (12 bytes, then the key).
        using var key = MpcSigning.TLog.Checkpoints.LogKey.FromSeed(new byte[32]);
        Assert.That(Convert.ToHexString(key.SubjectPublicKeyInfo[..12]), Is.EqualTo("302A300506032B6570032100"));
        Assert.That(key.LogId, Is.EqualTo(SHA256.HashData(key.SubjectPublicKeyInfo)));
    }
}
