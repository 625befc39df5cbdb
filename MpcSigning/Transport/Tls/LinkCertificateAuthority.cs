using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MpcSigning.Hosting;

namespace MpcSigning.Transport.Tls;

/// <summary>
/// The deployment's link TLS CA: it issues each node's TLS certificate at start, for a key the node has just generated in
/// memory, and peers accept only certificates that chain to it. The CA is a gate that keeps strangers out before any
/// attestation work; a node's identity is proved by its SEV-SNP report, bound to its TLS key on every connection.
/// Production: <see cref="CertVariable"/> and <see cref="KeyVariable"/> name PEM files (the key file readable by the node
/// only). Development: <see cref="OpenOrCreateDev"/> creates one in a folder all local nodes share.
/// </summary>
public sealed class LinkCertificateAuthority : IDisposable
{
    public const string CertVariable = "LINK_CA_TLS_CERT";
    public const string KeyVariable = "LINK_CA_TLS_KEY";

    /// <summary>The development CA's folder under the directory given to <see cref="OpenOrCreateDev"/>.</summary>
    public const string DevFolder = "link-ca";

    private const string CertFile = "ca.crt", KeyFile = "ca.key";

    /// <summary>The CA certificate with its private key, used only to issue node certificates.</summary>
    private readonly X509Certificate2 _issuer;

    private LinkCertificateAuthority(X509Certificate2 issuer)
    {
        _issuer = issuer;
        Certificate = X509CertificateLoader.LoadCertificate(issuer.RawData);
        Fingerprint = Convert.ToHexStringLower(SHA256.HashData(issuer.RawData));
    }

    /// <summary>The CA certificate alone (no key): the trust anchor peers check against.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>SHA-256 (hex) of the CA certificate, for logs.</summary>
    public string Fingerprint { get; }

    /// <summary>
    /// The node's link CA: <see cref="CertVariable"/> and <see cref="KeyVariable"/> when set (both or neither); else, only
    /// when <paramref name="allowDevelopment"/> (simulated attestation allowed), the development CA in
    /// <paramref name="devDirectory"/>, which every local node of a deployment must share.
    /// </summary>
    /// <exception cref="ConfigException">One variable without the other, a bad file, or no CA outside development.</exception>
    public static LinkCertificateAuthority Open(Func<string, string?> env, string devDirectory, bool allowDevelopment)
    {
        var (cert, key) = (env(CertVariable), env(KeyVariable));
        if (!string.IsNullOrWhiteSpace(cert) && !string.IsNullOrWhiteSpace(key)) return Load(cert.Trim(), key.Trim());
        if (!string.IsNullOrWhiteSpace(cert) || !string.IsNullOrWhiteSpace(key))
            throw new ConfigException(string.IsNullOrWhiteSpace(cert) ? CertVariable : KeyVariable,
                $"is not set but {(string.IsNullOrWhiteSpace(cert) ? KeyVariable : CertVariable)} is; give both the link CA certificate and its key (PEM files)");
        if (!allowDevelopment)
            throw new ConfigException($"{CertVariable}/{KeyVariable}",
                "not set: linked nodes need the deployment's link TLS CA (PEM certificate and key files); only development (simulated attestation allowed) creates one");
        return OpenOrCreateDev(devDirectory);
    }

    /// <summary>A CA in memory only (tests, benchmarks).</summary>
    public static LinkCertificateAuthority Create(string name, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var dn = new X500DistinguishedNameBuilder();
        dn.AddCommonName(name);
        dn.AddOrganizationName("mpcsign");
        var request = new CertificateRequest(dn.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return new LinkCertificateAuthority(request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10)));
    }

    /// <summary>Loads the CA from PEM files (certificate; PKCS#8 or SEC1 private key, unencrypted).</summary>
    /// <exception cref="ConfigException">A file is missing or unreadable, the key does not match, or it is not a CA.</exception>
    public static LinkCertificateAuthority Load(string certPath, string keyPath)
    {
        if (!File.Exists(certPath)) throw new ConfigException(CertVariable, $"'{certPath}' does not exist; give the link CA certificate (PEM)");
        if (!File.Exists(keyPath)) throw new ConfigException(KeyVariable, $"'{keyPath}' does not exist; give the link CA private key (PEM)");
        X509Certificate2 issuer;
        try
        {
            issuer = X509Certificate2.CreateFromPemFile(certPath, keyPath);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or IOException)
        {
            throw new ConfigException($"{CertVariable}/{KeyVariable}", $"cannot load the link CA from '{certPath}' and '{keyPath}': {e.Message}; give a PEM certificate and its unencrypted PEM private key");
        }
        var basic = issuer.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
        if (basic is not { CertificateAuthority: true })
        {
            issuer.Dispose();
            throw new ConfigException(CertVariable, $"'{certPath}' is not a CA certificate (basicConstraints cA=TRUE is missing)");
        }
        return new LinkCertificateAuthority(issuer);
    }

    /// <summary>
    /// Development: the CA in <c>directory/link-ca</c>, created on first use (atomically, so nodes starting together share
    /// one). Its key is a plain file (0600): development only, and logged as such with its path.
    /// </summary>
    public static LinkCertificateAuthority OpenOrCreateDev(string directory)
    {
        var dir = Path.Combine(DataDirectory.Open(directory).Path, DevFolder);
        if (!Directory.Exists(dir))
        {
            var tmp = dir + ".tmp-" + Guid.NewGuid().ToString("N");
            Directory.CreateDirectory(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            using (var created = Create("mpcsign development link CA", DateTimeOffset.UtcNow))
            {
                using var key = created._issuer.GetECDsaPrivateKey()!;
                var der = key.ExportPkcs8PrivateKey();
                var pem = PemEncoding.Write("PRIVATE KEY", der);
                var bytes = System.Text.Encoding.ASCII.GetBytes(pem);
                try
                {
                    DataDirectory.WriteOwnerOnly(Path.Combine(tmp, KeyFile), bytes);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(der);
                    CryptographicOperations.ZeroMemory(bytes);
                    Array.Clear(pem);
                }
                DataDirectory.WriteOwnerOnly(Path.Combine(tmp, CertFile), System.Text.Encoding.ASCII.GetBytes(created.Certificate.ExportCertificatePem()));
            }
            try { Directory.Move(tmp, dir); }
            catch (IOException) when (Directory.Exists(dir)) { Directory.Delete(tmp, recursive: true); }
        }
        var ca = Load(Path.Combine(dir, CertFile), Path.Combine(dir, KeyFile));
        Serilog.Log.Warning("Link TLS CA is a DEVELOPMENT CA in {Directory} (key in a plain file, SHA-256 {Fingerprint}); set {CertVariable} and {KeyVariable} in production",
            dir, ca.Fingerprint, CertVariable, KeyVariable);
        return ca;
    }

    /// <summary>
    /// Issues this node's TLS identity: a fresh ECDSA P-256 key generated here, in memory only (never exported or
    /// written), certified for <paramref name="nodeName"/> for at most 30 days and never past the CA's own expiry.
    /// </summary>
    public LinkTlsIdentity Issue(string nodeName, DateTimeOffset now)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        try
        {
            var dn = new X500DistinguishedNameBuilder();
            dn.AddCommonName(nodeName);
            dn.AddOrganizationName("mpcsign");
            var request = new CertificateRequest(dn.Build(), key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
                [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false)); // serverAuth, clientAuth
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_issuer, true, false));
            var notAfter = now.AddDays(30) < _issuer.NotAfter ? now.AddDays(30) : new DateTimeOffset(_issuer.NotAfter);
            var serial = new byte[16];
            RandomNumberGenerator.Fill(serial);
            serial[0] &= 0x7F; // a positive INTEGER (RFC 5280 4.1.2.2)
            using var issued = request.Create(_issuer, now.AddMinutes(-5), notAfter, serial);
            // its own copy of the CA certificate: the identity outlives this CA object (disposed once it has issued)
            return new LinkTlsIdentity(issued.CopyWithPrivateKey(key), X509CertificateLoader.LoadCertificate(Certificate.RawData));
        }
        finally
        {
            key.Dispose();
        }
    }

    public void Dispose()
    {
        _issuer.Dispose();
        Certificate.Dispose();
    }
}
