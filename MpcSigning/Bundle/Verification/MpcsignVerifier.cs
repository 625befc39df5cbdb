using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using MpcSigning.AuthN;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Bundle.Mpcsign;
using MpcSigning.Bundle.Sigstore;
using MpcSigning.Ca;
using MpcSigning.Coordinator;
using MpcSigning.Coordinator.Pipeline;
using MpcSigning.Crypto;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Proto.Frost;
using MpcSigning.Signing.Frost;
using MpcSigning.TLog;
using MpcSigning.TLog.Rekor;

namespace MpcSigning.Bundle.Verification;

/// <summary>What a verifier trusts: the CA, the log key, the relying party approvals were made for, the least quorum.</summary>
public sealed record VerifierTrust(
    IReadOnlyList<X509Certificate2> CaCertificates,
    byte[] LogPublicKey,
    string? LogKeyName,
    RelyingParty RelyingParty,
    QuorumPolicy MinimumPolicy,
    string? TeePolicyHash)
{
    /// <summary>
    /// The trust policy versions verified from the pinned one (<see cref="MpcSigning.Policy.PolicyChain.Verify"/>); when set,
    /// the bundle must name one of them and every approval, the quorum, the measurement, the CA, the log key and the
    /// FROST t-of-n are checked against it. Null: no policy (approvals checked only against themselves).
    /// </summary>
    public IReadOnlyList<MpcSigning.Proto.Policy.TrustPolicy>? Policies { get; init; }

    /// <summary>The identity keys of the pinned FROST signers (the trust policy's PinnedSigner keys, else trust-root's):
    /// every verifying share used must be signed by a distinct one of them (<see cref="SignerIdentityCheck"/>).</summary>
    public IReadOnlyList<byte[]> PinnedSignerKeys { get; init; } = [];
}

/// <summary>The verdict: Ok, or the first check that failed, named in one line.</summary>
public sealed record VerifyResult(bool Ok, string Check, string Message)
{
    public static VerifyResult Pass(string summary) => new(true, "all", summary);

    public static VerifyResult Fail(string check, string message) => new(false, check, message);
}

/// <summary>
/// Everything `mpcsign verify` checks, offline and pure: the log entry (body, SET, inclusion proof, checkpoint), the
/// DSSE signature with the certificate's key, the statement's subject against the artifact, the chain to the CA and its
/// validity at the log's integration time, the certificate's session binding, every approval's WebAuthn assertion
/// against the session's challenge, the quorum, and the enclave measurement.
/// </summary>
public static class MpcsignVerifier
{
    public static VerifyResult Verify(ReadOnlyMemory<byte> bundleJson, ReadOnlySpan<byte> artifactSha256, VerifierTrust trust)
    {
        if (!SigstoreBundleJson.TryRead(bundleJson, out var bundle, out var formatError))
            return VerifyResult.Fail("format", formatError.Message);

        if (bundle!.TlogEntries.Count != 1) return VerifyResult.Fail("tlog", $"the bundle has {bundle.TlogEntries.Count} log entries; expected exactly 1");
        var entry = TlogEntryJson.TryRead(bundle.TlogEntries[0], out var entryError);
        if (entry is null) return VerifyResult.Fail("tlog", "the log entry is malformed: " + entryError);
        var pem = System.Security.Cryptography.PemEncoding.WriteString("CERTIFICATE", bundle.CertificateDer) + "\n";
        var expectedBody = RekorDsseBody.Create(SessionPipeline.EnvelopeJson(bundle.DsseEnvelope), bundle.DsseEnvelope.Payload,
            bundle.DsseEnvelope.Signatures.Count > 0 ? bundle.DsseEnvelope.Signatures[0].Sig : [], pem);
        var logged = TlogEntryVerifier.Verify(entry, trust.LogPublicKey, expectedBody, trust.LogKeyName);
        if (!logged.IsValid) return VerifyResult.Fail("tlog", logged.Detail);
        var signingTime = DateTimeOffset.FromUnixTimeSeconds(entry.Receipt.IntegratedTime);

        var checks = BundleChecks.VerifyAll(bundle, artifactSha256, trust.CaCertificates, signingTime);
        if (!checks.IsOk) return VerifyResult.Fail(checks.Code.ToString(), checks.Message);

        if (bundle.Mpcsign is not { } raw) return VerifyResult.Fail("approvals", "the bundle has no mpcsign section with the approvals");
        MpcsignSection section;
        try
        {
            section = MpcsignSection.Read(raw);
        }
        catch (BundleFormatException e)
        {
            return VerifyResult.Fail("approvals", e.Message);
        }
        using var leaf = X509CertificateLoader.LoadCertificate(bundle.CertificateDer);
        var info = SessionCertificateInfo.Parse(leaf);
        // The section's policy decides the quorum check, but only the statement's copy is signed: they must agree.
        if (!BundleChecks.TryReadStatement(bundle, out var statement, out var statementError)) return VerifyResult.Fail(statementError.Code.ToString(), statementError.Message);
        var signed = statement!.Predicate.Policy;
        if (signed.RequiredEngineers != section.Policy.RequiredEngineers || signed.RequiredStewards != section.Policy.RequiredStewards)
            return VerifyResult.Fail("quorum", $"the mpcsign section's policy ({section.Policy.RequiredEngineers} engineers, {section.Policy.RequiredStewards} stewards) " +
                $"is not the signed statement's ({signed.RequiredEngineers}, {signed.RequiredStewards})");
        // The policy first: a forgery is named for what it lacks (a policy reachable from the pin, its credentials, roles).
        return CheckPolicy(section, info, trust) ?? CheckThreshold(section, info, trust.PinnedSignerKeys)
            ?? CheckApprovals(section, info, artifactSha256, trust) ?? CheckMeasurement(section, info, trust)
            ?? VerifyResult.Pass($"signed by session {Convert.ToHexStringLower(section.SessionId)} with {section.Approvals.Count} approvals" +
                (trust.Policies is { Count: > 0 } && section.TrustPolicy is { } tp ? $" under trust policy v{tp.Version}, " : ", ") +
                $"logged at index {entry.Receipt.LogIndex} on {signingTime:u}");
    }

    private static VerifyResult? CheckApprovals(MpcsignSection s, SessionCertificateInfo info, ReadOnlySpan<byte> artifact, VerifierTrust trust)
    {
        if (!s.SessionId.AsSpan().SequenceEqual(info.SessionId) || !s.ArtifactDigest.AsSpan().SequenceEqual(info.ArtifactDigest) ||
            !s.ArtifactDigest.AsSpan().SequenceEqual(artifact))
            return VerifyResult.Fail("approvals", "the approvals are for another session or artifact than the certificate");
        var certified = info.Approvers.Select(a => (a.Email.ToLowerInvariant(), a.Role)).ToArray();
        var recorded = s.Approvals.Select(a => (a.ParticipantEmail.ToLowerInvariant(), a.Role == Role.Engineer ? "engineer" : "steward")).ToArray();
        if (!certified.SequenceEqual(recorded))
            return VerifyResult.Fail("approvals", "the approvers in the certificate differ from the approvals in the bundle");
        var challenge = ApprovalChallenge.Derive(s.SessionId, s.ArtifactDigest);
        foreach (var a in s.Approvals)
        {
            var r = Approvals.Reverify(a, challenge, trust.RelyingParty);
            if (!r.Ok) return VerifyResult.Fail("approvals", $"the approval by {a.ParticipantEmail} does not verify: {r.Message}");
        }
        // With a pinned trust policy the quorum is the rule of the version the bundle names (checked in CheckPolicy): a rule
        // the stewards changed replaces the configured minimum, which only stands in when no policy is pinned.
        if (trust.Policies is not { Count: > 0 } &&
            (s.Policy.RequiredEngineers < trust.MinimumPolicy.RequiredEngineers || s.Policy.RequiredStewards < trust.MinimumPolicy.RequiredStewards))
            return VerifyResult.Fail("quorum", $"the session's policy ({s.Policy.RequiredEngineers} engineers, {s.Policy.RequiredStewards} stewards) " +
                $"is weaker than required ({trust.MinimumPolicy.RequiredEngineers}, {trust.MinimumPolicy.RequiredStewards})");
        if (!QuorumRule.IsMet(s.Policy, s.Approvals))
        {
            var (e, st) = QuorumRule.StillNeeded(s.Policy, s.Approvals);
            return VerifyResult.Fail("quorum", $"the approvals do not meet the quorum: {e} engineer(s) and {st} steward(s) missing");
        }
        return null;
    }

    /// <summary>The certificate's key is the FROST group key that the recorded verifying shares interpolate to, t
    /// distinct known signers made the signature, and the shares they used are signed by distinct pinned signer identities.</summary>
    private static VerifyResult? CheckThreshold(MpcsignSection s, SessionCertificateInfo info, IReadOnlyList<byte[]> pinnedSignerKeys)
    {
        if (s.FrostJson is null) return VerifyResult.Fail("threshold", "the bundle has no FROST threshold evidence (mpcsign.frost)");
        ThresholdEvidence evidence;
        try
        {
            evidence = ThresholdEvidenceJson.Read(s.FrostJson);
        }
        catch (Exception e) when (e is FrostException or FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            return VerifyResult.Fail("threshold", "mpcsign.frost is malformed: " + e.Message);
        }
        var verdict = ThresholdEvidenceVerifier.Verify(evidence, info.Ed25519PublicKey);
        if (!verdict.IsValid) return VerifyResult.Fail("threshold", verdict.Message);
        // the one place the shares are tied to the pinned signer identities
        var unbound = SignerIdentityCheck.Check(s.SessionId, evidence, pinnedSignerKeys);
        return unbound is null ? null : VerifyResult.Fail("signers", unbound);
    }

    /// <summary>The bundle against the trust policy version it names, reached from the pinned one.</summary>
    private static VerifyResult? CheckPolicy(MpcsignSection s, SessionCertificateInfo info, VerifierTrust trust)
    {
        if (trust.Policies is not { Count: > 0 } policies) return null;
        if (s.TrustPolicy is not { } named)
            return VerifyResult.Fail("policy", "the bundle names no trust policy version (mpcsign.trustPolicy); it was not made under the policy you pinned");
        if (info.Policy is not { } bound)
            return VerifyResult.Fail("policy", "the session certificate does not bind a trust policy (extension " + MpcsignOids.PolicyBinding +
                "): no CA that checked the approvals against the policy issued it");
        if (bound.Version != named.Version || !bound.PolicyDigest.AsSpan().SequenceEqual(named.Digest))
            return VerifyResult.Fail("policy", $"the bundle names trust policy v{named.Version}, but its certificate binds v{bound.Version}");
        var index = -1;
        for (var i = 0; i < policies.Count && index < 0; i++)
            if (policies[i].Version == named.Version && Policy.PolicyDigest.Of(policies[i]).AsSpan().SequenceEqual(named.Digest)) index = i;
        if (index < 0)
            return VerifyResult.Fail("policy", $"trust policy v{named.Version} ({Convert.ToHexStringLower(named.Digest)[..16]}...) is not reachable from the pinned version " +
                $"(the chain you have verified goes from v{policies[0].Version} to v{policies[^1].Version})");
        var policy = policies[index];
        // Signer identities: policy.Signers (PinnedSigner) are the keys the FROST evidence's DKG commitments must be signed
        // with; the check of those signatures belongs here, against policy.Signers, once signers sign them (issue 14).
        // An older version stays valid for what was made under it: the CA certifies only under its current version, so a
        // revocation takes effect there. (A version's createdAt is when it was proposed, not when it took effect.)
        if (!PolicyEvidenceDigestMatches(s, bound))
            return VerifyResult.Fail("policy", "the approvals in the bundle are not the ones the CA checked (approvals digest differs from the certificate's)");
        if (!trust.CaCertificates.Any(c => c.RawData.AsSpan().SequenceEqual(policy.CaCertificateDer.Span)))
            return VerifyResult.Fail("policy", $"the CA you trust is not the CA trust policy v{policy.Version} names");
        if (!trust.LogPublicKey.AsSpan().SequenceEqual(policy.LogPublicKey.Span))
            return VerifyResult.Fail("policy", $"the log key you trust is not the log key trust policy v{policy.Version} names");
        if (Policy.PolicyEvidence.Check(policy, s.SessionId, s.ArtifactDigest, s.Approvals) is { } problem)
            return VerifyResult.Fail("policy", problem);
        var measured = Convert.ToHexStringLower(Hashes.Sha256(info.EnclaveMeasurement));
        if (!policy.AllowedMeasurements.Contains(measured))
            return VerifyResult.Fail("policy", $"the signers' measurement (SHA-256 {measured[..16]}...) is not one trust policy v{policy.Version} allows");
        ThresholdEvidence? evidence = null;
        try
        {
            if (s.FrostJson is not null) evidence = ThresholdEvidenceJson.Read(s.FrostJson);
        }
        catch (Exception e) when (e is FrostException or FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            // malformed evidence is CheckThreshold's to report
        }
        if (evidence is not null && (evidence.T != policy.FrostThreshold || evidence.N != policy.FrostSigners))
            return VerifyResult.Fail("policy", $"the signature was made by FROST {evidence.T}-of-{evidence.N}; trust policy v{policy.Version} says {policy.FrostThreshold}-of-{policy.FrostSigners}");
        return null;
    }

    private static bool PolicyEvidenceDigestMatches(MpcsignSection s, PolicyBinding bound) =>
        Policy.PolicyEvidence.ApprovalsDigest(s.Approvals).AsSpan().SequenceEqual(bound.ApprovalsDigest);

    private static VerifyResult? CheckMeasurement(MpcsignSection s, SessionCertificateInfo info, VerifierTrust trust)
    {
        if (!s.EnclaveMeasurement.AsSpan().SequenceEqual(info.EnclaveMeasurement))
            return VerifyResult.Fail("measurement", "the enclave measurement in the bundle differs from the certified one");
        if (trust.TeePolicyHash is { } pinned && Convert.ToHexStringLower(Hashes.Sha256(info.EnclaveMeasurement)) != pinned)
            return VerifyResult.Fail("measurement", "the signers' measurement does not match TEE_POLICY_HASH");
        return null;
    }
}
