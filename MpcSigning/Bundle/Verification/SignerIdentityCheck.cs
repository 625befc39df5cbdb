using MpcSigning.Attestation.Report;
using MpcSigning.Crypto;
using MpcSigning.Proto.Frost;
using MpcSigning.Signing.Identity;

namespace MpcSigning.Bundle.Verification;

/// <summary>
/// Checks that a bundle's FROST verifying shares were made by the pinned signers: every share used to sign carries an
/// endorsement (identity.proto ShareEndorsement) by a distinct pinned identity key, whose signature verifies over the
/// session, the group key, the identifier and the share, and whose attestation report binds that key in REPORT_DATA;
/// and at least t pinned signers endorsed. Pure: no I/O; never throws for bad evidence.
/// </summary>
public static class SignerIdentityCheck
{
    /// <returns>Null when the evidence holds; otherwise one line naming what is wrong.</returns>
    /// <param name="pinnedIdentityKeys">32-byte Ed25519 identity keys of the pinned signers (the trust policy's, else trust-root's).</param>
    public static string? Check(ReadOnlySpan<byte> sessionId, ThresholdEvidence evidence, IReadOnlyCollection<byte[]> pinnedIdentityKeys)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(pinnedIdentityKeys);
        if (pinnedIdentityKeys.Count == 0)
            return "no pinned signer identities to check the FROST verifying shares against; verify with a trust root or policy that lists the signers";
        if (evidence.Endorsements.Count == 0)
            return "the FROST evidence carries no signer identity signatures: its verifying shares are bound to no attested signer";
        var pinned = pinnedIdentityKeys.Select(Convert.ToHexStringLower).ToHashSet(StringComparer.Ordinal);
        var endorsed = new HashSet<uint>();
        var identities = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in evidence.Endorsements)
        {
            var key = Convert.ToHexStringLower(e.IdentityPublicKey.Span);
            var who = $"signer identity {(key.Length > 16 ? key[..16] + "..." : key)}";
            if (!evidence.VerifyingShares.TryGetValue(e.Identifier, out var share))
                return $"{who} endorsed identifier {e.Identifier}, which has no verifying share";
            if (!endorsed.Add(e.Identifier))
                return $"verifying share {e.Identifier} carries more than one identity signature";
            if (!pinned.Contains(key))
                return $"verifying share {e.Identifier} is signed by {who}, which is not a pinned signer";
            if (!identities.Add(key))
                return $"{who} signed more than one verifying share; each share needs its own pinned signer";
            if (!AttestationReport.TryParse(e.AttestationReport.Span, out var report, out _, out var why))
                return $"the attestation report of {who} is malformed: {why}";
            if (!report!.ReportData.AsSpan().SequenceEqual(SignerIdentity.ReportData(e.IdentityPublicKey.Span)))
                return $"the attestation report of {who} does not bind its identity key (REPORT_DATA differs)";
            var message = SignerIdentity.EndorsedMessage(sessionId, evidence.GroupPublicKey.Span, e.Identifier, share.Span, evidence.T, evidence.N);
            if (!Ed25519.Verify(e.IdentityPublicKey.Span, message, e.Signature.Span))
                return $"the identity signature of {who} on verifying share {e.Identifier} does not verify (forged, or made for another session or key)";
        }
        var missing = evidence.Signers.Where(s => !endorsed.Contains(s)).ToArray();
        if (missing.Length > 0)
            return $"verifying share(s) {string.Join(", ", missing)}, used to sign, carry no pinned signer's identity signature";
        if (endorsed.Count < evidence.T)
            return $"only {endorsed.Count} pinned signer(s) endorsed the key; the threshold is {evidence.T}";
        return null;
    }
}
