using System.Security.Cryptography.X509Certificates;
using MpcSigning.Bundle.InToto;
using MpcSigning.Bundle.Sigstore;
using MpcSigning.Ca;
using MpcSigning.Crypto;

namespace MpcSigning.Bundle.Verification;

public static partial class BundleChecks
{
    /// <summary>
    /// The certificate's mpcsign extensions agree with the Statement: same session id (also in the URI SAN), same
    /// artifact digest as the predicate and as a subject, and the same approvers (email, case-insensitive, and role).
    /// Without this a valid certificate from one session could vouch for another session's statement.
    /// </summary>
    public static BundleCheckResult VerifyCertificateBinding(X509Certificate2 leaf, InTotoStatement statement)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        ArgumentNullException.ThrowIfNull(statement);
        if (!SessionCertificateInfo.TryParse(leaf, out var info, out var parseError))
            return BundleCheckResult.Fail(BundleErrorCode.MalformedCertificate, parseError);
        var p = statement.Predicate;
        var sessionHex = Convert.ToHexStringLower(info!.SessionId);
        if (!Hashes.FixedTimeEquals(info.SessionId, p.SessionId))
            return BundleCheckResult.Fail(BundleErrorCode.SessionIdMismatch,
                $"certificate is for session {sessionHex}; the statement names session {Convert.ToHexStringLower(p.SessionId)}.");
        if (!info.SubjectAlternativeUris.Any(u => u.EndsWith("/" + sessionHex, StringComparison.Ordinal)))
            return BundleCheckResult.Fail(BundleErrorCode.SessionIdMismatch,
                $"certificate URI SAN ({string.Join(", ", info.SubjectAlternativeUris)}) does not name session {sessionHex}.");
        if (!Hashes.FixedTimeEquals(info.ArtifactDigest, p.ArtifactDigest) || !statement.Subject.Any(s => Hashes.FixedTimeEquals(s.Sha256, info.ArtifactDigest)))
            return BundleCheckResult.Fail(BundleErrorCode.ArtifactDigestMismatch,
                $"certificate binds artifact sha256 {Convert.ToHexStringLower(info.ArtifactDigest)}; the statement's predicate says "
                + $"{Convert.ToHexStringLower(p.ArtifactDigest)} and it must also be a subject.");
        return CompareApprovers(info.Approvers, p.Approvers);
    }

    /// <summary><see cref="VerifyCertificateBinding(X509Certificate2, InTotoStatement)"/> for a bundle's own certificate and payload.</summary>
    public static BundleCheckResult VerifyCertificateBinding(SigstoreBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        if (!TryReadStatement(bundle, out var statement, out var error)) return error;
        if (!TryLoadLeaf(bundle.CertificateDer, out var leaf, out error)) return error;
        using (leaf) return VerifyCertificateBinding(leaf!, statement!);
    }

    private static BundleCheckResult CompareApprovers(IReadOnlyList<(string Email, string Role)> certified, IReadOnlyList<PredicateApprover> stated)
    {
        static string Key(string email, string role) => email.ToLowerInvariant() + " as " + role;
        var a = certified.Select(x => Key(x.Email, x.Role)).Order(StringComparer.Ordinal).ToList();
        var b = stated.Select(x => Key(x.Email, x.Role)).Order(StringComparer.Ordinal).ToList();
        return a.SequenceEqual(b)
            ? BundleCheckResult.Success
            : BundleCheckResult.Fail(BundleErrorCode.ApproversMismatch,
                $"certificate names approvers [{string.Join(", ", a)}]; the statement names [{string.Join(", ", b)}].");
    }
}
