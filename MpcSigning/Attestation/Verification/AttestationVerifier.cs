using System.Security.Cryptography;
using MpcSigning.Attestation.Report;
using MpcSigning.Crypto;

namespace MpcSigning.Attestation.Verification;

/// <summary>
/// Verifies an SEV-SNP report: a pure function of (report, certificates, policy, expected REPORT_DATA, time).
/// No I/O, clock or configuration inside; the optional cache only remembers chains that already verified
/// (validity at <c>at</c> is still checked on every call). Never throws for bad input: every failure is a
/// verdict with its own <see cref="AttestationError"/>.
/// </summary>
public static partial class AttestationVerifier
{
    public static AttestationVerdict Verify(
        ReadOnlySpan<byte> report, AttestationCertificates certificates, AttestationPolicy policy,
        ReadOnlySpan<byte> expectedReportData, DateTimeOffset at, VerifiedChainCache? cache = null)
    {
        if (!AttestationReport.TryParse(report, out var parsed, out var code, out var message))
            return AttestationVerdict.Fail(code, message);
        return Verify(parsed!, certificates, policy, expectedReportData, at, cache);
    }

    public static AttestationVerdict Verify(
        AttestationReport report, AttestationCertificates certificates, AttestationPolicy policy,
        ReadOnlySpan<byte> expectedReportData, DateTimeOffset at, VerifiedChainCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(certificates);
        ArgumentNullException.ThrowIfNull(policy);
        if (report.SigningKey == SigningKeyKind.None)
            return AttestationVerdict.Fail(AttestationError.ReportSigningKeyUnknown,
                "the report is not signed (SIGNER_INFO SIGNING_KEY = 7, none); ask the firmware for a VCEK- or VLEK-signed report", report);

        var chain = cache?.Find(report, certificates, policy);
        if (chain is null)
        {
            (chain, var code, var chainMessage) = BuildChain(report, certificates, policy);
            if (chain is null) return AttestationVerdict.Fail(code, chainMessage, report);
            cache?.Add(report, certificates, policy, chain);
        }
        var verdict = CheckWithChain(report, chain, policy, expectedReportData, at);
        return verdict with { Product = chain.Product, SignerKind = chain.Kind };
    }

    private static AttestationVerdict CheckWithChain(
        AttestationReport report, VerifiedChain chain, AttestationPolicy policy, ReadOnlySpan<byte> expectedReportData, DateTimeOffset at)
    {
        foreach (var (role, notBefore, notAfter) in chain.Validity)
            if (at < notBefore || at > notAfter)
                return AttestationVerdict.Fail(AttestationError.CertificateNotValidAtTime,
                    $"the {role} certificate is valid from {notBefore:u} to {notAfter:u}, not at {at.UtcDateTime:u}", report);

        if (report.SigningKey != chain.Kind)
            return AttestationVerdict.Fail(AttestationError.SignerKindMismatch,
                $"SIGNER_INFO says the report was signed by the {report.SigningKey.ToString().ToUpperInvariant()}, but the certificate given is a {chain.Kind.ToString().ToUpperInvariant()}", report);

        if (!SignatureValid(report, chain))
            return AttestationVerdict.Fail(AttestationError.SignatureInvalid,
                $"the report signature (ECDSA P-384/SHA-384 over bytes 0x000-0x29F) does not verify with the {chain.Kind}; the report was altered or belongs to another chip/TCB", report);

        var fail = CheckEndorsement(report, chain) ?? CheckPolicy(report, chain.Product, policy) ?? CheckBinding(report, policy, expectedReportData);
        return fail ?? new AttestationVerdict(true, AttestationError.None,
            $"report v{report.Version} from {chain.Product} signed by its {chain.Kind} verifies under the policy", report);
    }

    /// <summary>R and S are 72-byte little-endian; a P-384 value has 48 significant bytes, the rest must be zero.</summary>
    internal static bool SignatureValid(AttestationReport report, VerifiedChain chain)
    {
        const int n = 48;
        if (report.SignatureR.AsSpan(n).IndexOfAnyExcept((byte)0) >= 0 || report.SignatureS.AsSpan(n).IndexOfAnyExcept((byte)0) >= 0)
            return false;
        Span<byte> p1363 = stackalloc byte[2 * n];
        report.SignatureR.AsSpan(0, n).CopyTo(p1363);
        report.SignatureS.AsSpan(0, n).CopyTo(p1363[n..]);
        p1363[..n].Reverse();
        p1363[n..].Reverse();
        var ecdsa = chain.RentKey();
        try
        {
            return ecdsa.VerifyData(report.SignedBytes(), p1363, HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        finally
        {
            chain.ReturnKey(ecdsa);
        }
    }

    private static AttestationVerdict? CheckBinding(AttestationReport report, AttestationPolicy policy, ReadOnlySpan<byte> expectedReportData)
    {
        if (policy.TeePolicyHash is { } pinned)
        {
            var actual = TeePolicyHash.Of(report.Measurement);
            if (!Hashes.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(actual), System.Text.Encoding.ASCII.GetBytes(pinned.ToLowerInvariant())))
                return AttestationVerdict.Fail(AttestationError.MeasurementMismatch,
                    $"TEE_POLICY_HASH mismatch: SHA-256 of MEASUREMENT {Convert.ToHexStringLower(report.Measurement)} is {actual}, pinned is {pinned}; the node runs a different build", report);
        }
        // Constant time: the expected value is derived from secrets-in-transit (nonces, channel binding).
        if (expectedReportData.Length != 64 || !Hashes.FixedTimeEquals(report.ReportData, expectedReportData))
            return AttestationVerdict.Fail(AttestationError.ReportDataMismatch,
                expectedReportData.Length != 64
                    ? $"expected REPORT_DATA must be 64 bytes, got {expectedReportData.Length}"
                    : "REPORT_DATA differs from the expected 64 bytes; the report was made for another nonce or channel (replay or relay)", report);
        return null;
    }
}
