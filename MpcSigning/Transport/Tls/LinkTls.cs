using System.ComponentModel;
using System.Net.Security;
using System.Runtime.InteropServices;
using System.Security.Authentication;
using System.Security.Authentication.ExtendedProtection;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MpcSigning.Transport.Tls;

/// <summary>
/// TLS for attested links: TLS 1.3 only, a certificate on both sides chaining to the link CA (no hostname check: a
/// node's identity is its attested report, not a DNS name), and the session's channel binding.
/// </summary>
internal static class LinkTls
{
    /// <summary>SEC_CHANNEL_BINDINGS (what SslStream returns): cbApplicationDataLength at 24, dwApplicationDataOffset at 28.</summary>
    private const int BindingHeaderSize = 32;

    private static ReadOnlySpan<byte> UniquePrefix => "tls-unique:"u8;

    /// <summary>Authenticates as the responder (TLS server) and requires a client certificate from the link CA.</summary>
    public static async Task<SslStream> ServerAsync(Stream inner, LinkTlsIdentity identity, TimeProvider clock, CancellationToken ct)
    {
        var check = new PeerCertificateCheck(identity.TrustedCa);
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = identity.Context,
            ClientCertificateRequired = true,
            EnabledSslProtocols = SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            AllowRenegotiation = false,
            CertificateChainPolicy = ChainPolicy(identity.TrustedCa, clock),
            RemoteCertificateValidationCallback = check.Validate,
        };
        await AuthenticateAsync(ssl, check, () => ssl.AuthenticateAsServerAsync(options, ct));
        return ssl;
    }

    /// <summary>Authenticates as the initiator (TLS client) with this node's certificate; the server's must chain to the link CA.</summary>
    public static async Task<SslStream> ClientAsync(Stream inner, LinkTlsIdentity identity, string targetHost, TimeProvider clock, CancellationToken ct)
    {
        var check = new PeerCertificateCheck(identity.TrustedCa);
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            ClientCertificateContext = identity.Context,
            EnabledSslProtocols = SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            AllowRenegotiation = false,
            CertificateChainPolicy = ChainPolicy(identity.TrustedCa, clock),
            RemoteCertificateValidationCallback = check.Validate,
        };
        await AuthenticateAsync(ssl, check, () => ssl.AuthenticateAsClientAsync(options, ct));
        return ssl;
    }

    private static async Task AuthenticateAsync(SslStream ssl, PeerCertificateCheck check, Func<Task> authenticate)
    {
        try
        {
            await authenticate();
        }
        catch (Exception e) when (e is AuthenticationException or IOException or Win32Exception)
        {
            await ssl.DisposeAsync();
            if (check.Refusal is { } refusal) throw refusal;
            throw new LinkRefusedException(LinkError.TlsFailed, "TLS 1.3 handshake failed: " + Describe(e), e);
        }
        catch
        {
            await ssl.DisposeAsync();
            throw;
        }
        if (ssl.SslProtocol != SslProtocols.Tls13)
        {
            await ssl.DisposeAsync();
            throw new LinkRefusedException(LinkError.TlsFailed, $"the session negotiated {ssl.SslProtocol}; attested links require TLS 1.3");
        }
    }

    private static string Describe(Exception e) =>
        e.InnerException is { } inner && inner.Message != e.Message ? $"{e.Message} ({inner.Message})" : e.Message;

    /// <summary>
    /// The session's tls-unique channel binding. With TLS 1.3 over OpenSSL, .NET returns the first Finished message's
    /// verify_data, a MAC over the whole handshake transcript (both randoms and key shares): unique to this connection,
    /// identical on both ends, unknown to anyone who relays the traffic over a TLS session of their own. Fails closed.
    /// </summary>
    public static byte[] ChannelBinding(SslStream ssl)
    {
        using var binding = ssl.TransportContext?.GetChannelBinding(ChannelBindingKind.Unique);
        if (binding is null || binding.IsInvalid || binding.Size <= BindingHeaderSize)
            throw new LinkRefusedException(LinkError.NoChannelBinding, "the TLS session exposes no tls-unique channel binding; refusing to attest a link that cannot be bound");
        var raw = new byte[binding.Size];
        Marshal.Copy(binding.DangerousGetHandle(), raw, 0, raw.Length);
        var length = BitConverter.ToInt32(raw, 24);
        var offset = BitConverter.ToInt32(raw, 28);
        if (offset < BindingHeaderSize || length <= UniquePrefix.Length + 11 || (long)offset + length > raw.Length ||
            !raw.AsSpan(offset, UniquePrefix.Length).SequenceEqual(UniquePrefix))
            throw new LinkRefusedException(LinkError.NoChannelBinding, "the TLS session's channel binding is not a tls-unique value; refusing to attest the link");
        return raw.AsSpan(offset + UniquePrefix.Length, length - UniquePrefix.Length).ToArray();
    }

    /// <summary>SHA-256 of the SubjectPublicKeyInfo of the certificate the peer presented on this session.</summary>
    public static byte[] PeerSpkiSha256(SslStream ssl)
    {
        var cert = ssl.RemoteCertificate as X509Certificate2
                   ?? throw new LinkRefusedException(LinkError.NoCertificate, "the peer presented no TLS certificate");
        return SHA256.HashData(cert.PublicKey.ExportSubjectPublicKeyInfo());
    }

    /// <summary>
    /// The chain SslStream builds for the peer's certificate: the link CA as the only trust anchor, no revocation or
    /// downloads (nothing leaves the machine), validity at this node's clock.
    /// </summary>
    private static X509ChainPolicy ChainPolicy(X509Certificate2 ca, TimeProvider clock)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
            VerificationTime = clock.GetUtcNow().UtcDateTime,
            VerificationTimeIgnored = false,
        };
        policy.CustomTrustStore.Add(ca);
        return policy;
    }

    /// <summary>The validation callback for one connection; remembers why it refused, for the audit trail.</summary>
    private sealed class PeerCertificateCheck(X509Certificate2 ca)
    {
        public LinkRefusedException? Refusal { get; private set; }

        public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            if (certificate is null)
            {
                Refusal = new LinkRefusedException(LinkError.NoCertificate, "the peer presented no TLS certificate; attested links need one from the link CA on both sides");
                return false;
            }
            // Host names are not checked: a node's identity is its attested report, bound to this certificate's key.
            var chainErrors = (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) != SslPolicyErrors.None;
            var root = chain?.ChainElements.Count > 0 ? chain.ChainElements[^1].Certificate : null;
            if (chainErrors || root is null || !root.RawData.AsSpan().SequenceEqual(ca.RawData))
            {
                var status = chain?.ChainStatus.Select(s => s.Status.ToString()).Distinct() ?? [];
                Refusal = new LinkRefusedException(LinkError.UntrustedCertificate,
                    $"the certificate '{certificate.Subject}' does not chain to the link CA '{ca.Subject}' ({string.Join(", ", status.DefaultIfEmpty(errors.ToString()))})");
                return false;
            }
            return true;
        }
    }
}
