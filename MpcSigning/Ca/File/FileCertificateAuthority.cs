using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MpcSigning.Hosting;

namespace MpcSigning.Ca.File;

/// <summary>
/// The CA whose ECDSA P-384 key is a PKCS#8 PEM file (mode 0600) in the data directory, beside its self-signed
/// certificate <c>ca.pem</c>. Both are created on first start and reused afterwards. With <see cref="CaOptions.Sealer"/>
/// (every node) the key is sealed instead (<c>ca-key.sealed</c>, see <see cref="Sealing.KeySealer"/>), and a plain
/// <c>ca-key.pem</c> left from before is sealed and deleted on first open.
/// </summary>
public sealed partial class FileCertificateAuthority : ICertificateAuthority, IDisposable
{
    public const string KeyFileName = "ca-key.pem";
    public const string CertificateFileName = "ca.pem";
    public const string SealedKeyFileName = "ca-key.sealed";
    public const string SealingPurpose = "ca-key";

    private readonly ECDsa _key;
    private readonly CaOptions _options;

    public X509Certificate2 Certificate { get; }

    private FileCertificateAuthority(ECDsa key, X509Certificate2 certificate, CaOptions options)
    {
        _key = key;
        Certificate = certificate;
        _options = options;
    }

    /// <summary>
    /// Opens the CA in <paramref name="dataDirectory"/>, creating key and certificate if neither exists. Throws
    /// <see cref="CaException"/> (CaStorageCorrupt) when the files are unreadable or do not belong together.
    /// </summary>
    public static FileCertificateAuthority LoadOrCreate(string dataDirectory, CaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var dir = DataDirectory.Open(dataDirectory);
        var keyPath = dir.File(KeyFileName);
        var certPath = dir.File(CertificateFileName);

        if (options.Sealer is not null) return OpenSealed(dir, certPath, options);
        if (System.IO.File.Exists(dir.File(SealedKeyFileName)))
            throw new CaException(CaErrorCode.CaStorageCorrupt,
                $"the CA key in {dir.Path} is sealed ('{SealedKeyFileName}'); only the node, with its sealing key, opens it.");
        if (!System.IO.File.Exists(keyPath))
        {
            if (System.IO.File.Exists(certPath))
                throw new CaException(CaErrorCode.CaStorageCorrupt,
                    $"'{certPath}' exists but its key '{keyPath}' is missing; restore the key, or remove '{certPath}' to start a new CA.");
            CreateKeyFile(keyPath);
        }
        var key = LoadKey(keyPath);
        try
        {
            // A key without a certificate means a first start was cut off before ca.pem was written; no leaf can
            // exist under it yet, and a certificate made now from the same key has the same key identifier.
            if (!System.IO.File.Exists(certPath)) CreateCertificateFile(certPath, key, options);
            var cert = LoadCertificate(certPath, keyPath, key);
            return new FileCertificateAuthority(key, cert, options);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _key.Dispose();
        Certificate.Dispose();
    }

    private static void CreateKeyFile(string keyPath)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var der = key.ExportPkcs8PrivateKey();
        var pem = PemEncoding.Write("PRIVATE KEY", der);
        var bytes = Encoding.ASCII.GetBytes(pem);
        try
        {
            DataDirectory.WriteOwnerOnly(keyPath, bytes);
        }
        catch (IOException) when (System.IO.File.Exists(keyPath))
        {
            // Another process created the CA at the same moment; its key wins and is loaded next.
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
            CryptographicOperations.ZeroMemory(bytes);
            Wipe(pem);
        }
    }
}
