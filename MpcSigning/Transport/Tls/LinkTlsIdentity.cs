using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MpcSigning.Transport.Tls;

/// <summary>
/// A node's TLS identity on attested links: its certificate with the private key it generated at start (in process
/// memory only), and the link CA certificate its peers' certificates must chain to.
/// </summary>
public sealed class LinkTlsIdentity : IDisposable
{
    /// <param name="certificate">The node's certificate with its private key.</param>
    /// <param name="trustedCa">The link CA (certificate only) that peers' certificates must chain to.</param>
    public LinkTlsIdentity(X509Certificate2 certificate, X509Certificate2 trustedCa)
    {
        if (!certificate.HasPrivateKey) throw new ArgumentException("the link certificate needs its private key", nameof(certificate));
        Certificate = certificate;
        TrustedCa = trustedCa;
        Spki = certificate.PublicKey.ExportSubjectPublicKeyInfo();
        SpkiSha256 = SHA256.HashData(Spki);
        // offline: the chain is the leaf alone (peers hold the CA); nothing is fetched from the network.
        Context = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
    }

    public X509Certificate2 Certificate { get; }

    public X509Certificate2 TrustedCa { get; }

    /// <summary>The certificate's SubjectPublicKeyInfo (DER).</summary>
    public byte[] Spki { get; }

    public byte[] SpkiSha256 { get; }

    internal SslStreamCertificateContext Context { get; }

    public override string ToString() => $"link TLS identity {Certificate.Subject} (key <redacted>)";

    public void Dispose() => Certificate.Dispose();
}
