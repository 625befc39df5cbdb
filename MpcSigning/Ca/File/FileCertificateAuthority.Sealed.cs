using System.Security.Cryptography;
using System.Text;
using MpcSigning.Crypto;
using MpcSigning.Hosting;
using MpcSigning.Sealing;

namespace MpcSigning.Ca.File;

public sealed partial class FileCertificateAuthority
{
    /// <summary>The CA with its key sealed (<see cref="SealedKeyFileName"/>), migrating a plain <see cref="KeyFileName"/> once.</summary>
    private static FileCertificateAuthority OpenSealed(DataDirectory dir, string certPath, CaOptions options)
    {
        var sealedPath = dir.File(SealedKeyFileName);
        var plainPath = dir.File(KeyFileName);
        if (!System.IO.File.Exists(sealedPath) && !System.IO.File.Exists(plainPath) && System.IO.File.Exists(certPath))
            throw new CaException(CaErrorCode.CaStorageCorrupt,
                $"'{certPath}' exists but its key '{sealedPath}' is missing; restore the key, or remove '{certPath}' to start a new CA.");
        SecretBytes pkcs8;
        try
        {
            pkcs8 = SealedKeyStore.Open(options.Sealer!, SealingPurpose, sealedPath, plainPath, PlainPemToPkcs8, NewPkcs8)!;
        }
        catch (SealingException e)
        {
            throw new CaException(CaErrorCode.CaStorageCorrupt, "CA key: " + e.Message, e);
        }
        var key = ECDsa.Create();
        try
        {
            using (pkcs8) key.ImportPkcs8PrivateKey(pkcs8.ReadOnlySpan, out _);
            if (key.KeySize != 384)
                throw new CaException(CaErrorCode.CaStorageCorrupt, $"CA key '{sealedPath}' is a {key.KeySize}-bit key; expected ECDSA P-384.");
            if (!System.IO.File.Exists(certPath)) CreateCertificateFile(certPath, key, options);
            return new FileCertificateAuthority(key, LoadCertificate(certPath, sealedPath, key), options);
        }
        catch (CryptographicException e)
        {
            key.Dispose();
            throw new CaException(CaErrorCode.CaStorageCorrupt, $"CA key '{sealedPath}' is not a PKCS#8 ECDSA key ({e.Message}); restore it from backup.", e);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    private static SecretBytes NewPkcs8()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var der = key.ExportPkcs8PrivateKey();
        try { return SecretBytes.CopyFrom(der); }
        finally { CryptographicOperations.ZeroMemory(der); }
    }

    /// <summary>A plain ca-key.pem's PKCS#8 DER, checked to be a P-384 key before it is sealed.</summary>
    private static SecretBytes PlainPemToPkcs8(byte[] pem)
    {
        var chars = new char[pem.Length];
        using var key = ECDsa.Create();
        try
        {
            Encoding.ASCII.GetChars(pem, chars);
            key.ImportFromPem(chars);
            if (key.KeySize != 384) throw new CaException(CaErrorCode.CaStorageCorrupt, $"the plain CA key {KeyFileName} is a {key.KeySize}-bit key; expected ECDSA P-384.");
            var der = key.ExportPkcs8PrivateKey();
            try { return SecretBytes.CopyFrom(der); }
            finally { CryptographicOperations.ZeroMemory(der); }
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            throw new CaException(CaErrorCode.CaStorageCorrupt, $"the plain CA key {KeyFileName} is not a PKCS#8 PEM ECDSA P-384 key ({e.Message}); restore it from backup.", e);
        }
        finally
        {
            Wipe(chars);
        }
    }
}
