using System.Text;
using MpcSigning.Bundle;
using MpcSigning.Bundle.Mpcsign;
using MpcSigning.Bundle.Sigstore;
using MpcSigning.Bundle.Verification;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Signing.Frost;
using MpcSigning.Tests.Support;
using MpcSigning.TLog.Checkpoints;
using MpcSigning.TLog.Rekor;

namespace MpcSigning.Tests.Fuzzing;

/// <summary>
/// The bundle JSON under mutation, starting from a bundle the in-process node signed end to end (four approvals,
/// FROST, the log entry). Every input goes through the bundle reader and the readers of its sections (log entry,
/// mpcsign section, FROST evidence); a share also goes through the full offline verifier. An accepted bundle must
/// carry the same signed content as the original: the projection below lists everything a signature, the log or
/// the certificate covers, read with the project's own readers, so only formatting, unknown members and the fields
/// named in <see cref="Unsigned"/> may differ.
/// </summary>
[Category("Fuzz")]
[NonParallelizable]
public class BundleFuzzTests
{
    private const long Inputs = 120_000;
    private const long TrustRootInputs = 10_000;

    /// <summary>
    /// A full verification costs milliseconds (Ed25519, X.509 chain, three ECDSA assertions, FROST evidence), so it
    /// runs for this share of the inputs every reader accepted (those that could be wrongly accepted) and for
    /// <see cref="VerifyShareRefused"/> of the rest.
    /// </summary>
    private const double VerifyShareRead = 0.06, VerifyShareRefused = 0.01;

    /// <summary>
    /// Bundle fields no signature covers, so a change to them may verify: an approver's display name and approval
    /// time (the certificate binds email and role), the credential id (WebAuthn signs authenticatorData and
    /// clientDataJSON, not the id; the offline verifier has no registry to look it up in), which shares took part
    /// in the FROST signature (an aggregate Ed25519 signature does not show it; only the list's shape is checked),
    /// and the timestamp data mpcsign does not use. Also unsigned: a checkpoint signature line beside the one that
    /// verifies (C2SP signed-note ignores lines it cannot check), so the projection holds the checkpoint's text.
    /// </summary>
    private static readonly string[] Unsigned =
    [
        "mpcsign.approvals[].name", "mpcsign.approvals[].approvedAt", "mpcsign.approvals[].credentialId", "mpcsign.frost.signers",
        "verificationMaterial.timestampVerificationData",
    ];

    private sealed record Input(byte[] Json, double VerifyDraw);

    private TestNode _node = null!;
    private byte[] _bundle = null!;
    private byte[] _digest = null!;
    private VerifierTrust _trust = null!;
    private JDoc _doc = null!;
    private string _projection = null!;

    [OneTimeSetUp]
    public async Task SignOnce()
    {
        _node = await TestNode.StartAsync();
        _digest = MpcSigning.Crypto.Hashes.Sha256("the fuzzed artifact"u8);
        var s = await _node.RequestAsync(_digest);
        SessionStatus done = null!;
        // Both engineers approve before the stewards, so the bundle holds more approvals than its 1-engineer, 2-steward
        // policy needs: slack that a changed policy could hide in.
        foreach (var who in new[] { "alice@example.com", "dave@example.com", "bob@example.com", "carol@example.com" }) done = await _node.ApproveAsync(s, who);
        _bundle = done.BundleJson.ToByteArray();
        var log = _node.Host.TransparencyLog.Identity;
        _trust = new VerifierTrust([_node.Host.CertificateAuthority.Certificate], log.PublicKey, log.KeyName, _node.Host.RelyingParty,
            new QuorumPolicy { RequiredEngineers = 1, RequiredStewards = 2 }, null)
        {
            PinnedSignerKeys = _node.Host.SignerIdentities.Select(i => i.PublicKey).ToArray(),
        };
        _doc = JDoc.Parse(_bundle);
        _projection = Projection(_bundle);
        var verdict = MpcsignVerifier.Verify(_bundle, _digest, _trust);
        Assert.That(verdict.Ok, Is.True, "the node's bundle must verify before it is mutated: " + verdict.Message);
    }

    [OneTimeTearDown]
    public async Task Stop() => await _node.DisposeAsync();

    [Test]
    public void BundleReadersAndVerifier_MutatedBundles_AreRefusedWithoutExceptionAndNoSignedChangeVerifies() =>
        FuzzRunner.Run(new FuzzCampaign<Input>
        {
            Name = "bundle-json",
            Inputs = Inputs,
            Generate = rng => new Input(JsonMutator.Mutate(rng, _doc), rng.Next(1_000_000) / 1e6),
            Check = Check,
            Describe = i => FuzzRunner.Base64(i.Json),
            SaveSeeds = SaveTrust,
        });

    [Test]
    public void TrustedRootReader_MutatedTrustRoots_AreRefusedAsCliErrors()
    {
        var doc = JDoc.Parse(global::MpcSigning.Cli.TrustMaterial.TrustedRootJson(_node.Host));
        var files = FuzzRunner.ScratchDirectory();
        try
        {
            FuzzRunner.Run(new FuzzCampaign<byte[]>
            {
                Name = "trusted-root",
                Inputs = TrustRootInputs,
                Generate = rng => JsonMutator.Mutate(rng, doc),
                Check = bytes =>
                {
                    var path = Path.Combine(files, $"{Environment.CurrentManagedThreadId}.json");
                    File.WriteAllBytes(path, bytes);
                    var trust = global::MpcSigning.Cli.TrustMaterial.FromTrustedRoot(path);
                    return trust.CaCertificates.Count > 0 && trust.LogPublicKey.Length == 32 ? "read" : throw new FuzzViolation("a trust root without CA or log key was read");
                },
                Describe = b => FuzzRunner.Base64(b),
                IsRefusal = e => e is global::MpcSigning.Cli.CliException,
            });
        }
        finally
        {
            Directory.Delete(files, recursive: true);
        }
    }

    /// <summary>The node's bundle and trust exist only for this run: saved on failure, so `mpcsign verify` can check an input again.</summary>
    private string SaveTrust(string dir)
    {
        File.WriteAllBytes(Path.Combine(dir, "original.bundle.json"), _bundle);
        File.WriteAllBytes(Path.Combine(dir, "trusted_root.json"), global::MpcSigning.Cli.TrustMaterial.TrustedRootJson(_node.Host));
        return $"The node's bundle and trust root are in {dir}; check an input with: mpcsign verify --bundle FILE " +
               $"--artifact-digest {Convert.ToHexStringLower(_digest)} --trust-root {Path.Combine(dir, "trusted_root.json")}\n";
    }

    private string Check(Input input)
    {
        var label = ReadSections(input.Json);
        if (input.VerifyDraw >= (label == "read" ? VerifyShareRead : VerifyShareRefused)) return label;
        var result = MpcsignVerifier.Verify(input.Json, _digest, _trust);
        if (!result.Ok)
        {
            if (result.Message.Length == 0) throw new FuzzViolation($"the verifier refused without a message (check {result.Check})");
            return "verify refused: " + result.Check;
        }
        var projection = Projection(input.Json);
        if (projection != _projection) throw new FuzzViolation($"a bundle whose signed content changed verified: {FirstDifference(_projection, projection)} " +
                                    $"(only {string.Join(", ", Unsigned)} may change)");
        return input.Json.AsSpan().SequenceEqual(_bundle) ? "verified (unchanged)" : "verified (same signed content)";
    }

    /// <summary>Each reader on the verifier's path, called directly; their contract is to refuse with their own exception type.</summary>
    private static string ReadSections(byte[] json)
    {
        if (!SigstoreBundleJson.TryRead(json, out var bundle, out var error))
        {
            if (error.Message.Length == 0 || error.IsOk) throw new FuzzViolation("the reader refused without a code or message");
            return "read refused: " + error.Code;
        }
        foreach (var e in bundle!.TlogEntries)
            if (TlogEntryJson.TryRead(e, out var tlogError) is null && tlogError.Length == 0) throw new FuzzViolation("a log entry was refused without a reason");
        if (bundle.Mpcsign is not { } raw) return "read (no mpcsign section)";
        MpcsignSection section;
        try
        {
            section = MpcsignSection.Read(raw);
        }
        catch (BundleFormatException)
        {
            return "mpcsign section refused";
        }
        if (section.FrostJson is null) return "read (no FROST evidence)";
        try
        {
            ThresholdEvidenceJson.Read(section.FrostJson);
        }
        catch (FrostException)
        {
            return "FROST evidence refused";
        }
        return "read";
    }

    /// <summary>Everything the verifier relies on, as read by the project's readers (the fields in <see cref="Unsigned"/> left out).</summary>
    private static string Projection(byte[] json)
    {
        static string H(ReadOnlySpan<byte> b) => Convert.ToHexStringLower(b);
        var b = SigstoreBundleJson.Read(json);
        var sb = new StringBuilder();
        sb.AppendLine($"mediaType {b.MediaType}");
        sb.AppendLine($"certificate {H(b.CertificateDer)}");
        sb.AppendLine($"envelope {b.DsseEnvelope.PayloadType} {H(b.DsseEnvelope.Payload)}");
        foreach (var s in b.DsseEnvelope.Signatures) sb.AppendLine($"envelope signature {H(s.Sig)} keyid '{s.KeyId}'");
        foreach (var e in b.TlogEntries)
        {
            var t = TlogEntryJson.TryRead(e, out var error) ?? throw new FuzzViolation("an accepted bundle's log entry does not read: " + error);
            var r = t.Receipt;
            var p = r.InclusionProof;
            sb.AppendLine($"tlog {t.Kind}/{t.Version} index {r.LogIndex} time {r.IntegratedTime} logId {H(r.LogId)} set {H(r.SignedEntryTimestamp)}");
            sb.AppendLine($"tlog proof {p.LogIndex}/{p.TreeSize} root {H(p.RootHash)} hashes {string.Join(",", p.Hashes.Select(x => H(x)))}");
            // The checkpoint's signed part is its text; a second signature line may be damaged as long as one verifies.
            var checkpoint = SignedNote.TryParse(r.SignedCheckpoint, out _)?.Text ?? "(unreadable) " + r.SignedCheckpoint;
            sb.AppendLine($"tlog checkpoint {checkpoint.ReplaceLineEndings("|")} body {H(t.CanonicalBody)}");
        }
        if (b.Mpcsign is { } raw)
        {
            var m = MpcsignSection.Read(raw);
            sb.AppendLine($"session {H(m.SessionId)} artifact {H(m.ArtifactDigest)} policy {m.Policy} enclave {H(m.EnclaveMeasurement)}");
            foreach (var a in m.Approvals)
            {
                // The verifier compares emails with the certificate's case-insensitively, so case is no change.
                sb.AppendLine($"approval {a.ParticipantEmail.ToLowerInvariant()} {a.Role} key {H(a.PublicKeySpki.Span)} " +
                              $"authData {H(a.Assertion.AuthenticatorData.Span)} clientData {H(a.Assertion.ClientDataJson.Span)} sig {H(a.Assertion.Signature.Span)}");
            }
            if (m.FrostJson is { } frost)
            {
                var f = ThresholdEvidenceJson.Read(frost);
                sb.AppendLine($"frost {f.Ciphersuite} {f.T}-of-{f.N} group {H(f.GroupPublicKey.Span)} shares " +
                              string.Join(",", f.VerifyingShares.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}:{H(kv.Value.Span)}")));
            }
        }
        return sb.ToString();
    }

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var x = i < e.Length ? e[i] : "(nothing)";
            var y = i < a.Length ? a[i] : "(nothing)";
            if (x != y) return $"was '{Clip(x)}', now '{Clip(y)}'";
        }
        return "(no line differs)";
    }

    private static string Clip(string s) => s.Length <= 300 ? s : s[..300] + "...";
}
