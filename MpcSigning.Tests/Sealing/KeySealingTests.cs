using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Google.Protobuf;
using MpcSigning.Ca;
using MpcSigning.Ca.File;
using MpcSigning.Hosting;
using MpcSigning.Sealing;
using MpcSigning.Signing.Identity;
using MpcSigning.TLog;
using MpcSigning.TLog.Checkpoints;
using MpcSigning.Tests.Support;
using MpcSigning.Tests.Transport.Support;

namespace MpcSigning.Tests.Sealing;

/// <summary>
/// The CA, log and signer identity keys sealed with the (simulated) measurement-bound sealing key: no plain key
/// material on disk, another measurement cannot open them, an altered file does not open, plain files left from
/// before are sealed and deleted on first open, and a restarted node keeps its keys.
/// </summary>
public class KeySealingTests
{
    private static readonly byte[] MeasurementA = Enumerable.Repeat((byte)0xA1, 48).ToArray();
    private static readonly byte[] MeasurementB = Enumerable.Repeat((byte)0xB2, 48).ToArray();

    private static KeySealer Sealer(string dir, byte[] measurement) => new(SimulatedSealingKey.Open(dir, measurement));

    /// <summary>True when any 16-byte window of <paramref name="secret"/> occurs in <paramref name="file"/>.</summary>
    private static bool Leaks(byte[] file, ReadOnlySpan<byte> secret)
    {
        for (var i = 0; i + 16 <= secret.Length; i++)
            if (file.AsSpan().IndexOf(secret.Slice(i, 16)) >= 0) return true;
        return false;
    }

    [Test]
    public void SealedCaKey_HoldsNoPlainKeyMaterial_AndNoPlainFileIsWritten()
    {
        using var dir = new TempDir();
        var sealer = Sealer(dir.Path, MeasurementA);
        using var ca = FileCertificateAuthority.LoadOrCreate(dir.Path, new CaOptions { Sealer = sealer });
        Assert.That(File.Exists(dir.File(FileCertificateAuthority.KeyFileName)), Is.False, "no ca-key.pem");
        var sealedPath = dir.File(FileCertificateAuthority.SealedKeyFileName);
        var bytes = File.ReadAllBytes(sealedPath);
        Assert.That(File.GetUnixFileMode(sealedPath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(Encoding.ASCII.GetString(bytes), Does.Not.Contain("PRIVATE KEY"));
        using var pkcs8 = sealer.Unseal(bytes, FileCertificateAuthority.SealingPurpose, sealedPath);
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(pkcs8.ReadOnlySpan, out _);
        Assert.That(key.ExportSubjectPublicKeyInfo(), Is.EqualTo(ca.Certificate.GetECDsaPublicKey()!.ExportSubjectPublicKeyInfo()), "the sealed key is the CA's");
        Assert.That(Leaks(bytes, pkcs8.ReadOnlySpan), Is.False, "no 16 bytes of the PKCS#8 key appear in the sealed file");
        Assert.That(Leaks(bytes, key.ExportParameters(true).D), Is.False, "nor of the private scalar");
    }

    [Test]
    public void SealedLogAndIdentityKeys_HoldNoPlainSeed()
    {
        using var dir = new TempDir();
        var sealer = Sealer(dir.Path, MeasurementA);
        var path = dir.File("tlog-ed25519.key");
        using var log = LogKey.LoadOrCreate(path, sealer);
        Assert.That(File.Exists(path), Is.False);
        var sealedBytes = File.ReadAllBytes(LogKey.SealedPathOf(path));
        using var seed = sealer.Unseal(sealedBytes, LogKey.SealingPurpose, "log");
        Assert.That(Leaks(sealedBytes, seed.ReadOnlySpan), Is.False);
        Assert.That(KeySealer.PublicDataOf(sealedBytes, "log"), Is.EqualTo(log.PublicKey), "the header names the public key");

        using var provider = LinkWorld.NewProvider();
        using var identity = SignerIdentity.OpenAsync(DataDirectory.Open(dir.Path), "node-1/signer-1", sealer, provider, CancellationToken.None).GetAwaiter().GetResult();
        var identityFile = Directory.GetFiles(dir.Path, SignerIdentity.FilePrefix + "*.sealed").Single();
        var identityBytes = File.ReadAllBytes(identityFile);
        using var identitySeed = sealer.Unseal(identityBytes, "signer-identity:node-1/signer-1", identityFile);
        Assert.That(Leaks(identityBytes, identitySeed.ReadOnlySpan), Is.False);
        Assert.That(Directory.GetFiles(dir.Path, SignerIdentity.FilePrefix + "*.key"), Is.Empty, "no plain identity seed");
    }

    [Test]
    public void Unseal_UnderAnotherSimulatedMeasurement_IsRefusedInOneLine()
    {
        using var dir = new TempDir();
        FileCertificateAuthority.LoadOrCreate(dir.Path, new CaOptions { Sealer = Sealer(dir.Path, MeasurementA) }).Dispose();
        var e = Assert.Throws<CaException>(() => FileCertificateAuthority.LoadOrCreate(dir.Path, new CaOptions { Sealer = Sealer(dir.Path, MeasurementB) }));
        Assert.That(e!.Message, Does.Contain("bound to measurement a1a1a1").And.Contain("measures b2b2b2").And.Not.Contain("\n"));

        var path = dir.File("tlog-ed25519.key");
        LogKey.LoadOrCreate(path, Sealer(dir.Path, MeasurementA)).Dispose();
        var t = Assert.Throws<TLogException>(() => LogKey.LoadOrCreate(path, Sealer(dir.Path, MeasurementB)));
        Assert.That(t!.Message, Does.Contain("measurement"));
    }

    [Test]
    public void Unseal_WithAForgedHeaderMeasurement_StillFails()
    {
        // Rewriting the header's measurement to this build's does not help: the key is derived from the measurement and the header is authenticated.
        using var dir = new TempDir();
        var a = Sealer(dir.Path, MeasurementA);
        var b = Sealer(dir.Path, MeasurementB);
        var sealedFile = a.Seal("ca-key", "secret key bytes, 32 of them..."u8);
        var file = MpcSigning.Proto.Identity.SealedKeyFile.Parser.ParseFrom(sealedFile.AsSpan(KeySealer.Magic.Length));
        var header = MpcSigning.Proto.Identity.SealedKeyHeader.Parser.ParseFrom(file.Header);
        header.Measurement = Google.Protobuf.ByteString.CopyFrom(MeasurementB);
        file.Header = header.ToByteString();
        byte[] forged = [.. KeySealer.Magic, .. file.ToByteArray()];
        var e = Assert.Throws<SealingException>(() => b.Unseal(forged, "ca-key", "forged"));
        Assert.That(e!.Message, Does.Contain("does not open"));
    }

    [Test]
    public void Unseal_AlteredCiphertextOrWrongPurpose_IsRefused()
    {
        using var dir = new TempDir();
        var sealer = Sealer(dir.Path, MeasurementA);
        var sealedFile = sealer.Seal("tlog-key", new byte[32]);
        using (var ok = sealer.Unseal(sealedFile, "tlog-key", "f")) Assert.That(ok.ReadOnlySpan.ToArray(), Is.EqualTo(new byte[32]));
        var altered = (byte[])sealedFile.Clone();
        altered[^3] ^= 1;
        Assert.That(Assert.Throws<SealingException>(() => sealer.Unseal(altered, "tlog-key", "f"))!.Message, Does.Contain("does not open"));
        Assert.That(Assert.Throws<SealingException>(() => sealer.Unseal(sealedFile, "ca-key", "f"))!.Message, Does.Contain("not the ca-key key"));
        Assert.That(Assert.Throws<SealingException>(() => sealer.Unseal("plain"u8.ToArray(), "ca-key", "f"))!.Message, Does.Contain("is not a sealed key file"));
    }

    [Test]
    public void PlainKeyFiles_AreSealedAndDeletedOnFirstOpen_KeepingTheKeys()
    {
        using var dir = new TempDir();
        byte[] caSpki, logKey, identityKey;
        using var provider = LinkWorld.NewProvider();
        using (var plainCa = FileCertificateAuthority.LoadOrCreate(dir.Path, new CaOptions())) caSpki = plainCa.Certificate.GetECDsaPublicKey()!.ExportSubjectPublicKeyInfo();
        var logPath = dir.File("tlog-ed25519.key");
        using (var plainLog = LogKey.LoadOrCreate(logPath)) logKey = plainLog.PublicKey;
        using (var plainIdentity = SignerIdentity.OpenAsync(DataDirectory.Open(dir.Path), "s1", null, provider, CancellationToken.None).GetAwaiter().GetResult())
            identityKey = plainIdentity.PublicKey;
        Assert.That(File.Exists(dir.File(FileCertificateAuthority.KeyFileName)) && File.Exists(logPath), Is.True);

        var sealer = Sealer(dir.Path, MeasurementA);
        using (var ca = FileCertificateAuthority.LoadOrCreate(dir.Path, new CaOptions { Sealer = sealer }))
            Assert.That(ca.Certificate.GetECDsaPublicKey()!.ExportSubjectPublicKeyInfo(), Is.EqualTo(caSpki));
        using (var log = LogKey.LoadOrCreate(logPath, sealer)) Assert.That(log.PublicKey, Is.EqualTo(logKey));
        using (var identity = SignerIdentity.OpenAsync(DataDirectory.Open(dir.Path), "s1", sealer, provider, CancellationToken.None).GetAwaiter().GetResult())
            Assert.That(identity.PublicKey, Is.EqualTo(identityKey));

        Assert.That(File.Exists(dir.File(FileCertificateAuthority.KeyFileName)), Is.False, "ca-key.pem deleted");
        Assert.That(File.Exists(logPath), Is.False, "plain log seed deleted");
        Assert.That(Directory.GetFiles(dir.Path, SignerIdentity.FilePrefix + "*.key"), Is.Empty, "plain identity seed deleted");
        Assert.That(File.Exists(dir.File(FileCertificateAuthority.SealedKeyFileName)) && File.Exists(LogKey.SealedPathOf(logPath)), Is.True);

        // once sealed, opening without the sealer is refused rather than silently making a new key
        Assert.Throws<CaException>(() => FileCertificateAuthority.LoadOrCreate(dir.Path, new CaOptions()));
        Assert.Throws<TLogException>(() => LogKey.LoadOrCreate(logPath, null));
    }

    [Test]
    public async Task Node_Restarted_KeepsItsCaLogAndSignerIdentityKeys()
    {
        await using var node = await TestNode.StartAsync();
        var ca = node.Host.CertificateAuthority.Certificate.RawData;
        var log = node.Host.TransparencyLog.Identity.PublicKey;
        var identities = node.Host.SignerIdentities.Select(i => i.PublicKey).ToArray();
        Assert.That(identities, Has.Length.EqualTo(3));
        Assert.That(Directory.GetFiles(node.Dir.Path).Select(Path.GetFileName),
            Does.Contain(FileCertificateAuthority.SealedKeyFileName).And.Contain("tlog-ed25519.key.sealed")
                .And.Not.Contain(FileCertificateAuthority.KeyFileName).And.Not.Contain("tlog-ed25519.key"));

        await node.RestartAsync();
        Assert.That(node.Host.CertificateAuthority.Certificate.RawData, Is.EqualTo(ca));
        Assert.That(node.Host.TransparencyLog.Identity.PublicKey, Is.EqualTo(log));
        Assert.That(node.Host.SignerIdentities.Select(i => i.PublicKey), Is.EqualTo(identities));
    }
}
