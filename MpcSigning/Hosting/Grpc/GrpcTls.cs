using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MpcSigning.Hosting.Grpc;

/// <summary>
/// TLS material of the gRPC edge: loading PEM certificates and keys, checking a peer's certificate against a CA, and the
/// development set (a CA, the node's certificate for 127.0.0.1/localhost, one client certificate) made on first use.
/// </summary>
public static class GrpcTls
{
    /// <summary>The development files' folder under the node's data directory.</summary>
    public const string DevFolder = "grpc-dev";

    public const string CaCertFile = "ca.crt", NodeCertFile = "node.crt", NodeKeyFile = "node.key", ClientCertFile = "client.crt", ClientKeyFile = "client.key";

    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1"), ClientAuth = new("1.3.6.1.5.5.7.3.2");

    /// <summary>The development files in <paramref name="dataDirectory"/>/grpc-dev, created when missing. Returns the folder.</summary>
    public static string EnsureDevelopmentFiles(string dataDirectory)
    {
        var dir = Path.Combine(dataDirectory, DevFolder);
        if (File.Exists(Path.Combine(dir, ClientKeyFile))) return dir;
        CreateSet(dir, "mpcsign development gRPC CA");
        return dir;
    }

    /// <summary>Writes a fresh CA, node certificate (127.0.0.1, ::1, localhost) and client certificate into <paramref name="dir"/>.</summary>
    public static void CreateSet(string dir, string caName)
    {
        var tmp = dir + ".tmp-" + Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest(Name(caName), caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(5));
        WriteCert(Path.Combine(tmp, CaCertFile), ca);
        Issue(ca, "mpcsign node", ServerAuth, true, Path.Combine(tmp, NodeCertFile), Path.Combine(tmp, NodeKeyFile), now);
        Issue(ca, "mpcsign development client", ClientAuth, false, Path.Combine(tmp, ClientCertFile), Path.Combine(tmp, ClientKeyFile), now);
        // The CA key is not kept: a new client certificate means a new set (delete the folder).
        try { Directory.Move(tmp, dir); }
        catch (IOException) when (Directory.Exists(dir)) { Directory.Delete(tmp, recursive: true); }
    }

    private static X500DistinguishedName Name(string cn)
    {
        var dn = new X500DistinguishedNameBuilder();
        dn.AddCommonName(cn);
        dn.AddOrganizationName("mpcsign");
        return dn.Build();
    }

    private static void Issue(X509Certificate2 ca, string cn, Oid usage, bool server, string certPath, string keyPath, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(Name(cn), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        if (server)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            san.AddIpAddress(IPAddress.IPv6Loopback);
            san.AddDnsName("localhost");
            request.CertificateExtensions.Add(san.Build());
        }
        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        using var issued = request.Create(ca, now.AddMinutes(-5), now.AddYears(1), serial);
        var der = key.ExportPkcs8PrivateKey();
        var pem = PemEncoding.Write("PRIVATE KEY", der);
        var bytes = System.Text.Encoding.ASCII.GetBytes(pem);
        try
        {
            DataDirectory.WriteOwnerOnly(keyPath, bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
            CryptographicOperations.ZeroMemory(bytes);
            Array.Clear(pem);
        }
        WriteCert(certPath, issued);
    }

    private static void WriteCert(string path, X509Certificate2 cert) =>
        DataDirectory.WriteOwnerOnly(path, System.Text.Encoding.ASCII.GetBytes(cert.ExportCertificatePem()));

    /// <summary>A certificate with its private key from PEM files; <paramref name="setting"/> names them in errors.</summary>
    public static X509Certificate2 LoadCertificateWithKey(string certPath, string keyPath, string setting)
    {
        if (!File.Exists(certPath)) throw new ConfigException(setting, $"'{certPath}' does not exist; give a PEM certificate");
        if (!File.Exists(keyPath)) throw new ConfigException(setting, $"'{keyPath}' does not exist; give its PEM private key");
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            // Exported and reloaded: SslStream on some platforms needs a key it can persist for the session.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or IOException)
        {
            throw new ConfigException(setting, $"cannot load '{certPath}' with key '{keyPath}': {e.Message}; give a PEM certificate and its unencrypted PEM key");
        }
    }

    /// <summary>The CA certificates of a PEM file.</summary>
    public static X509Certificate2Collection LoadCa(string path, string setting)
    {
        if (!File.Exists(path)) throw new ConfigException(setting, $"'{path}' does not exist; give the PEM CA certificate");
        var all = new X509Certificate2Collection();
        try
        {
            all.ImportFromPemFile(path);
        }
        catch (CryptographicException e)
        {
            throw new ConfigException(setting, $"'{path}' holds no readable PEM certificate ({e.Message})");
        }
        if (all.Count == 0) throw new ConfigException(setting, $"'{path}' holds no PEM certificate");
        return all;
    }

    /// <summary>
    /// Null when <paramref name="certificate"/> chains to one of <paramref name="roots"/> (and only to them) and is valid now;
    /// else why not, in a few words.
    /// </summary>
    public static string? ChainProblem(X509Certificate? certificate, X509Certificate2Collection roots, Oid usage)
    {
        if (certificate is null) return "no certificate was presented";
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(usage);
        if (chain.Build(leaf)) return null;
        var status = chain.ChainStatus.Select(s => s.Status.ToString()).Distinct();
        return $"certificate '{leaf.Subject}' does not chain to the trusted CA ({string.Join(", ", status)})";
    }

    public static Oid ServerUsage => ServerAuth;

    public static Oid ClientUsage => ClientAuth;

    /// <summary>SHA-256 of a certificate's SubjectPublicKeyInfo (what attestation evidence binds).</summary>
    public static byte[] SpkiSha256(X509Certificate certificate)
    {
        using var c = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return SHA256.HashData(c.PublicKey.ExportSubjectPublicKeyInfo());
    }
}
