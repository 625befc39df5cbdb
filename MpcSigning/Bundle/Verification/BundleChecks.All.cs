using System.Security.Cryptography.X509Certificates;
using MpcSigning.Bundle.Sigstore;

namespace MpcSigning.Bundle.Verification;

public static partial class BundleChecks
{
    /// <summary>
    /// Every check of this module in order (signature, subject, chain at <paramref name="signingTime"/>, binding);
    /// the first failure, or success. The caller adds the approval, quorum, log and attestation checks.
    /// </summary>
    public static BundleCheckResult VerifyAll(SigstoreBundle bundle, ReadOnlySpan<byte> artifactSha256,
        IReadOnlyList<X509Certificate2> caCertificates, DateTimeOffset signingTime)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var r = VerifySignature(bundle);
        if (!r.IsOk) return r;
        r = VerifySubject(bundle, artifactSha256);
        if (!r.IsOk) return r;
        r = VerifyCertificateChain(bundle.CertificateDer, caCertificates, signingTime);
        if (!r.IsOk) return r;
        return VerifyCertificateBinding(bundle);
    }
}
