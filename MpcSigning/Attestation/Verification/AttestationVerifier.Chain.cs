using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MpcSigning.Attestation.Report;
using MpcSigning.Attestation.Roots;

namespace MpcSigning.Attestation.Verification;

/// <summary>A chain ARK -> ASK/ASVK -> VCEK/VLEK whose names, key types and signatures have been checked.</summary>
public sealed record VerifiedChain(
    SevProduct Product, SigningKeyKind Kind, byte[] LeafSpki, VcekExtensions Extensions,
    (string Role, DateTimeOffset NotBefore, DateTimeOffset NotAfter)[] Validity)
{
    // Importing a key costs more than verifying with it (OpenSSL 3 builds a provider key each time), so a
    // cached chain keeps imported keys; a pool, because one ECDsa instance is not promised to be thread-safe.
    private readonly System.Collections.Concurrent.ConcurrentBag<ECDsa> _keys = new();

    internal ECDsa RentKey()
    {
        if (_keys.TryTake(out var key)) return key;
        key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(LeafSpki, out _);
        return key;
    }

    internal void ReturnKey(ECDsa key) => _keys.Add(key);
}

public static partial class AttestationVerifier
{
    internal static (VerifiedChain? Chain, AttestationError Code, string Message) BuildChain(
        AttestationReport report, AttestationCertificates certs, AttestationPolicy policy)
    {
        static (VerifiedChain?, AttestationError, string) Fail(AttestationError c, string m) => (null, c, m);
        if (certs.SigningKey is not { Length: > 0 })
            return Fail(AttestationError.CertificateMissing, "no VCEK or VLEK certificate was given with the report");
        var leaf = ParsedCertificate.TryParse(certs.SigningKey, "VCEK/VLEK", out var err);
        if (leaf is null) return Fail(AttestationError.CertificateMalformed, err);
        var kind = leaf.CommonName switch { "SEV-VCEK" => SigningKeyKind.Vcek, "SEV-VLEK" => SigningKeyKind.Vlek, _ => SigningKeyKind.None };
        if (kind == SigningKeyKind.None)
            return Fail(AttestationError.ChainNameMismatch, $"the signing certificate's CN is '{leaf.CommonName}'; AMD names them SEV-VCEK or SEV-VLEK");
        if (kind == SigningKeyKind.Vlek && !policy.AllowVlek)
            return Fail(AttestationError.SignerKindMismatch, "the report is signed by a VLEK and the policy accepts only a VCEK");
        var ext = VcekExtensions.TryRead(leaf.Cert, out err);
        if (ext is null) return Fail(AttestationError.CertificateMalformed, err);

        // Product: the signed CPUID bytes (v3+), the certificate's productName and the policy must agree.
        var fromReport = report.Product;
        var product = policy.Product ?? (fromReport != SevProduct.Unknown ? fromReport : ext.Product);
        foreach (var (source, p) in new[] { ("the report's CPUID", fromReport), ($"the {kind}'s productName '{ext.ProductName}'", ext.Product) })
            if (p != SevProduct.Unknown && p != product)
                return Fail(AttestationError.ProductMismatch, $"{source} says {p} but the report is checked as {product}; use the {p} roots");
        if (product == SevProduct.Unknown)
            return Fail(AttestationError.ProductMismatch, "cannot tell the product: a version 2 report and no productName in the certificate; say the product (Milan, Genoa, Turin)");

        var (ark, arkErr) = TrustedArk(certs.Root, product, policy);
        if (ark is null) return Fail(arkErr.Code, arkErr.Message);
        var interDer = certs.Intermediate ?? (ark.Fingerprint == AmdRoots.ArkFingerprint(product)
            ? (kind == SigningKeyKind.Vcek ? AmdRoots.For(product).Ask : AmdRoots.For(product).Asvk) : null);
        var interRole = kind == SigningKeyKind.Vcek ? "ASK" : "ASVK";
        if (interDer is null) return Fail(AttestationError.CertificateMissing, $"no {interRole} was given for a non-AMD root");
        var inter = ParsedCertificate.TryParse(interDer, interRole, out err);
        if (inter is null) return Fail(AttestationError.CertificateMalformed, err);

        var expect = new[]
        {
            (ark, "ARK", $"ARK-{product}", ark.Cert.SubjectName, true),
            (inter, interRole, kind == SigningKeyKind.Vcek ? $"SEV-{product}" : $"SEV-VLEK-{product}", ark.Cert.SubjectName, true),
            (leaf, kind.ToString().ToUpperInvariant(), leaf.CommonName, inter.Cert.SubjectName, false),
        };
        foreach (var (cert, role, cn, issuer, rsa) in expect)
        {
            if (cert.CommonName != cn)
                return Fail(AttestationError.ChainNameMismatch, $"the {role} is named '{cert.CommonName}', expected '{cn}' for {product}");
            if (!cert.Cert.IssuerName.RawData.AsSpan().SequenceEqual(issuer.RawData))
                return Fail(AttestationError.ChainNameMismatch, $"the {role}'s issuer '{cert.IssuerCommonName}' is not '{new X500DistinguishedName(issuer).Name}'");
            if (KeyTypeError(cert, rsa) is { } kt)
                return Fail(AttestationError.CertificateKeyType, $"the {role} {kt}");
        }
        foreach (var (child, parent, what) in new[] { (ark, ark, "ARK self-signature"), (inter, ark, $"ARK -> {interRole}"), (leaf, inter, $"{interRole} -> {kind}") })
            if (!child.IsSignedBy(parent))
                return Fail(AttestationError.ChainSignatureInvalid, $"the {what} signature (RSASSA-PSS SHA-384, salt 48) does not verify");

        var validity = expect.Select(e => (e.Item2, new DateTimeOffset(e.Item1.Cert.NotBefore), new DateTimeOffset(e.Item1.Cert.NotAfter))).ToArray();
        return (new VerifiedChain(product, kind, leaf.Cert.PublicKey.ExportSubjectPublicKeyInfo(), ext, validity), AttestationError.None, "");
    }

    private static (ParsedCertificate?, (AttestationError Code, string Message)) TrustedArk(byte[]? given, SevProduct product, AttestationPolicy policy)
    {
        if (given is null) return (ParsedCertificate.TryParse(AmdRoots.For(product).Ark, "ARK", out _), default);
        var ark = ParsedCertificate.TryParse(given, "ARK", out var err);
        if (ark is null) return (null, (AttestationError.CertificateMalformed, err));
        // Never trust a root because it came with the evidence: only a pinned fingerprint makes it an anchor.
        var pinned = ark.Fingerprint == AmdRoots.ArkFingerprint(product) ||
                     string.Equals(ark.Fingerprint, policy.TrustedSimulatedArkFingerprint, StringComparison.OrdinalIgnoreCase);
        return pinned ? (ark, default) : (null, (AttestationError.RootUntrusted,
            $"the ARK with SHA-256 {ark.Fingerprint} is not pinned: it is not AMD's {product} root, nor the explicitly trusted simulated root"));
    }

    private static string? KeyTypeError(ParsedCertificate c, bool rsa4096)
    {
        try
        {
            if (rsa4096)
            {
                using var key = c.Cert.GetRSAPublicKey();
                return key is { KeySize: 4096 } ? null : $"key is {(key is null ? "not RSA" : $"RSA-{key.KeySize}")}; AMD's ARK/ASK/ASVK are RSA-4096";
            }
            using var ec = c.Cert.GetECDsaPublicKey();
            var curve = ec?.ExportParameters(false).Curve.Oid.Value;
            return curve == "1.3.132.0.34" ? null : "key is not ECDSA P-384 (secp384r1)";
        }
        catch (CryptographicException e)
        {
            // The subject key is decoded only here: corrupt key bytes are a bad certificate, not a verifier failure.
            return $"key cannot be decoded ({e.Message})";
        }
    }
}
