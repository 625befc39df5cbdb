using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace MpcSigning.Ca.File;

public sealed partial class FileCertificateAuthority
{
    private static ECDsa LoadKey(string keyPath)
    {
        byte[] bytes;
        try
        {
            bytes = System.IO.File.ReadAllBytes(keyPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CaException(CaErrorCode.CaStorageCorrupt, $"cannot read CA key '{keyPath}': {e.Message}", e);
        }
        var chars = new char[bytes.Length];
        var key = ECDsa.Create();
        try
        {
            Encoding.ASCII.GetChars(bytes, chars);
            key.ImportFromPem(chars);
            if (key.KeySize != 384)
                throw new CaException(CaErrorCode.CaStorageCorrupt, $"CA key '{keyPath}' is a {key.KeySize}-bit key; expected ECDSA P-384.");
            return key;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new CaException(CaErrorCode.CaStorageCorrupt,
                $"CA key '{keyPath}' is not a PKCS#8 PEM ECDSA P-384 key ({e.Message}); restore it from backup.", e);
        }
        catch
        {
            key.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
            Wipe(chars);
        }
    }

    private static X509Certificate2 LoadCertificate(string certPath, string keyPath, ECDsa key)
    {
        X509Certificate2 cert;
        try
        {
            cert = X509Certificate2.CreateFromPem(System.IO.File.ReadAllText(certPath));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new CaException(CaErrorCode.CaStorageCorrupt, $"CA certificate '{certPath}' is unreadable ({e.Message}); restore it from backup.", e);
        }
        using var certKey = cert.GetECDsaPublicKey();
        if (certKey is null || !certKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
        {
            cert.Dispose();
            throw new CaException(CaErrorCode.CaStorageCorrupt,
                $"CA certificate '{certPath}' does not match the key '{keyPath}'; restore the pair together.");
        }
        return cert;
    }

    private static void CreateCertificateFile(string certPath, ECDsa key, CaOptions options)
    {
        var subject = new X500DistinguishedName(options.CaSubject);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA384);
        // RFC 5280 4.2.1.9 / 4.2.1.3: a CA that signs only end-entity certificates (path length 0).
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        // Backdated an hour so that a coordinator whose clock lags the CA node's a little can still be served.
        var notBefore = TruncateToSeconds(options.Time.GetUtcNow()) - TimeSpan.FromHours(1);
        using var cert = request.Create(subject, X509SignatureGenerator.CreateForECDsa(key), notBefore, notBefore + options.CaValidity, NewSerial());
        var tmp = certPath + ".tmp-" + Guid.NewGuid().ToString("N");
        System.IO.File.WriteAllText(tmp, cert.ExportCertificatePem() + "\n");
        try
        {
            System.IO.File.Move(tmp, certPath, overwrite: false);
        }
        catch (IOException) when (System.IO.File.Exists(certPath))
        {
            // Created concurrently from the same key; keep the one already there.
            System.IO.File.Delete(tmp);
        }
    }

    private static void Wipe(char[] chars) =>
        CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(chars.AsSpan()));
}
