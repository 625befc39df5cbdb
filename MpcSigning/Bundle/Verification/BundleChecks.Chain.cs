using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MpcSigning.Ca;

namespace MpcSigning.Bundle.Verification;

public static partial class BundleChecks
{
    /// <summary>
    /// The leaf chains directly to one of <paramref name="caCertificates"/> (the only trust anchors: no system store,
    /// no revocation, no downloads), is valid at <paramref name="signingTime"/> (RFC 5280 6.1.3 (a)(2), checked at
    /// the time the log recorded, because the certificate lives only minutes), is not a CA, and allows
    /// digitalSignature and codeSigning.
    /// </summary>
    public static BundleCheckResult VerifyCertificateChain(byte[] leafDer, IReadOnlyList<X509Certificate2> caCertificates, DateTimeOffset signingTime)
    {
        ArgumentNullException.ThrowIfNull(leafDer);
        ArgumentNullException.ThrowIfNull(caCertificates);
        if (caCertificates.Count == 0)
            return BundleCheckResult.Fail(BundleErrorCode.NoTrustAnchors, "no CA certificate given; pass the deployment's ca.pem.");
        if (!TryLoadLeaf(leafDer, out var leaf, out var error)) return error;
        using (leaf)
        {
            try
            {
                var usage = CheckUsage(leaf!);
                if (!usage.IsOk) return usage;
                var validity = CheckValidity(leaf!, signingTime);
                if (!validity.IsOk) return validity;
                return BuildChain(leaf!, caCertificates, signingTime);
            }
            catch (CryptographicException e)
            {
                // X509Certificate2 decodes fields lazily: a corrupt field surfaces only when read.
                return MalformedCertificate(e);
            }
        }
    }

    private static BundleCheckResult CheckValidity(X509Certificate2 leaf, DateTimeOffset signingTime)
    {
        var notBefore = new DateTimeOffset(leaf.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        var notAfter = new DateTimeOffset(leaf.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        if (signingTime < notBefore)
            return BundleCheckResult.Fail(BundleErrorCode.CertificateNotYetValid,
                $"certificate is valid from {notBefore:u}, after the signing time {signingTime.ToUniversalTime():u}.");
        if (signingTime > notAfter)
            return BundleCheckResult.Fail(BundleErrorCode.CertificateExpired,
                $"certificate expired at {notAfter:u}, before the signing time {signingTime.ToUniversalTime():u}.");
        return BundleCheckResult.Success;
    }

    private static BundleCheckResult CheckUsage(X509Certificate2 leaf)
    {
        // RFC 5280 4.2: a certificate must not include more than one instance of an extension.
        var duplicate = leaf.Extensions.GroupBy(e => e.Oid?.Value).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            return BundleCheckResult.Fail(BundleErrorCode.MalformedCertificate, $"certificate repeats extension {duplicate.Key}.");
        if (leaf.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority))
            return BundleCheckResult.Fail(BundleErrorCode.WrongCertificateUsage, "certificate is a CA certificate; expected a code-signing leaf.");
        if (leaf.Extensions.OfType<X509KeyUsageExtension>().SingleOrDefault() is not { } ku
            || !ku.KeyUsages.HasFlag(X509KeyUsageFlags.DigitalSignature))
            return BundleCheckResult.Fail(BundleErrorCode.WrongCertificateUsage, "certificate lacks KeyUsage digitalSignature.");
        if (leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().SingleOrDefault() is not { } eku
            || !eku.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == MpcsignOids.CodeSigning))
            return BundleCheckResult.Fail(BundleErrorCode.WrongCertificateUsage, "certificate lacks ExtendedKeyUsage codeSigning.");
        return BundleCheckResult.Success;
    }

    private static BundleCheckResult BuildChain(X509Certificate2 leaf, IReadOnlyList<X509Certificate2> caCertificates, DateTimeOffset signingTime)
    {
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        foreach (var ca in caCertificates) policy.CustomTrustStore.Add(ca);
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        policy.VerificationTime = signingTime.UtcDateTime;
        policy.VerificationTimeIgnored = false;
        policy.ApplicationPolicy.Add(new Oid(MpcsignOids.CodeSigning));
        var built = chain.Build(leaf);
        var problems = chain.ChainStatus.Where(s => s.Status != X509ChainStatusFlags.NoError).ToList();
        if (!built || problems.Count > 0)
        {
            var detail = problems.Count == 0 ? "chain did not build" : string.Join("; ", problems.Select(p => $"{p.Status}: {p.StatusInformation.Trim()}"));
            return BundleCheckResult.Fail(BundleErrorCode.ChainUntrusted, $"certificate does not chain to a given CA certificate ({detail}).");
        }
        // The CA signs leaves directly (pathlen 0): the chain must be exactly leaf -> one of the given anchors.
        var anchor = chain.ChainElements[^1].Certificate;
        if (chain.ChainElements.Count != 2 || !caCertificates.Any(c => c.RawData.AsSpan().SequenceEqual(anchor.RawData)))
            return BundleCheckResult.Fail(BundleErrorCode.ChainUntrusted,
                $"certificate chain has {chain.ChainElements.Count} elements ending at '{anchor.Subject}'; expected the leaf directly under a given CA.");
        return BundleCheckResult.Success;
    }
}
