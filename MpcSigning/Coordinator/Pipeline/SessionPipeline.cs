using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Google.Protobuf;
using Akka.Actor;
using MpcSigning.Bundle.Dsse;
using MpcSigning.Bundle.InToto;
using MpcSigning.Bundle.Mpcsign;
using MpcSigning.Bundle.Sigstore;
using MpcSigning.Crypto;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Ca;
using MpcSigning.Proto.Common;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Proto.Signing;
using MpcSigning.Proto.TLog;
using MpcSigning.Signing;
using MpcSigning.TLog;
using MpcSigning.TLog.Rekor;

namespace MpcSigning.Coordinator.Pipeline;

/// <summary>
/// The signing steps after quorum, over the signer, CA and log services: key, certificate, in-toto statement, DSSE
/// signature (checked as plain Ed25519 before anything is persisted), then the log entry and the bundle.
/// </summary>
public sealed class SessionPipeline(
    ISessionSigning signing, IActorRef ca, IActorRef tlog, byte[] enclaveMeasurement, string bundleDirectory, TimeSpan timeout)
    : ISigningPipeline
{
    /// <summary>The trust policy in force (made on first use); null: none, the CA is asked without a policy binding.</summary>
    public Func<Proto.Policy.TrustPolicy?>? Policy { get; init; }

    public async Task<Signed> SignAsync(SessionState session, CancellationToken ct)
    {
        var sessionId = session.SessionId.ToByteArray();
        var evidence = new QuorumEvidence
        {
            SessionId = session.SessionId, ArtifactDigest = session.ArtifactDigest, Policy = session.Policy,
        };
        evidence.Approvals.AddRange(session.Approvals);
        try
        {
            var publicKey = await signing.CreateKeyAsync(evidence, ct);
            // The certificate and the signature over the statement need only the key: asked for at once. Whatever
            // fails, both are awaited before the key is destroyed, and nothing is returned without both.
            var payload = Statement(session).ToJson();
            var certifying = CertifyAsync(session, publicKey, ct);
            var signed = signing.SignAsync(sessionId, Dsse.Pae(Dsse.InTotoPayloadType, payload), ct);
            await Task.WhenAll(certifying, signed);
            var certificate = await certifying;
            var signature = await signed;
            var envelope = new DsseEnvelope(payload, Dsse.InTotoPayloadType, [new DsseSignature(signature.Signature)]);
            if (!Ed25519.Verify(publicKey, envelope.Pae(), signature.Signature))
                throw new InvalidOperationException("the signers returned a signature that does not verify under the session key");
            return new Signed
            {
                CertificateDer = ByteString.CopyFrom(certificate),
                DsseEnvelopeJson = ByteString.CopyFrom(EnvelopeJson(envelope)),
                ThresholdEvidenceJson = signature.ThresholdEvidenceJson,
            };
        }
        finally
        {
            signing.Destroy(sessionId);
        }
    }

    private async Task<byte[]> CertifyAsync(SessionState session, byte[] publicKey, CancellationToken ct)
    {
        var request = new CertifySessionKey
        {
            SessionId = session.SessionId, ArtifactDigest = session.ArtifactDigest,
            Ed25519PublicKey = ByteString.CopyFrom(publicKey), EnclaveMeasurement = ByteString.CopyFrom(enclaveMeasurement),
        };
        request.Approvers.AddRange(session.Approvals.Select(a => new CertifiedApprover { Email = a.ParticipantEmail, Role = a.Role }));
        if (Policy?.Invoke() is { } policy)
        {
            request.PolicyVersion = policy.Version;
            request.PolicyDigest = ByteString.CopyFrom(MpcSigning.Policy.PolicyDigest.Of(policy));
            request.Approvals.AddRange(session.Approvals);
        }
        var reply = await ca.Ask<object>(request, timeout, ct);
        return reply switch
        {
            SessionKeyCertified c => c.CertificateDer.ToByteArray(),
            SessionKeyRefused r => throw new SigningRefusedException(r.Error.Code, "the CA refused to certify the session key: " + r.Error.Message),
            _ => throw new InvalidOperationException($"the CA replied {reply.GetType().Name}"),
        };
    }

    private static InTotoStatement Statement(SessionState s) => InTotoStatement.ForArtifact(s.ArtifactName, new QuorumApprovalPredicate
    {
        SessionId = s.SessionId.ToByteArray(),
        ArtifactDigest = s.ArtifactDigest.ToByteArray(),
        Policy = new Bundle.InToto.QuorumPolicy((int)s.Policy.RequiredEngineers, (int)s.Policy.RequiredStewards),
        Approvers = s.Approvals.Select(a => new PredicateApprover(a.ParticipantName, a.ParticipantEmail,
            a.Role == Role.Engineer ? "engineer" : "steward")).ToArray(),
    });

    public async Task<Logged> LogAsync(SessionState session, CancellationToken ct)
    {
        var envelopeJson = session.DsseEnvelopeJson.ToByteArray();
        using var doc = JsonDocument.Parse(envelopeJson);
        var envelope = DsseEnvelope.ReadFrom(doc.RootElement, "dsseEnvelope");
        var certificateDer = session.CertificateDer.ToByteArray();
        // The policy the session was certified under, as the CA bound it into the certificate.
        using var leaf = X509CertificateLoader.LoadCertificate(certificateDer);
        var binding = Ca.SessionCertificateInfo.Parse(leaf).Policy;
        var section = new MpcsignSection(session.SessionId.ToByteArray(), session.ArtifactDigest.ToByteArray(), session.Policy,
            session.Approvals, session.ThresholdEvidenceJson, enclaveMeasurement)
        {
            TrustPolicy = binding is null ? null : new PolicyReference(binding.Version, binding.PolicyDigest),
        };
        var unlogged = new SigstoreBundle
        {
            CertificateDer = certificateDer, DsseEnvelope = envelope, Mpcsign = SigstoreBundle.RawJson(section.ToJson()),
        };
        var pem = PemEncoding.WriteString("CERTIFICATE", certificateDer) + "\n";
        var body = RekorDsseBody.Create(envelopeJson, envelope.Payload, envelope.Signatures[0].Sig, pem);
        var append = new LogAppend(body, Convert.ToHexStringLower(session.ArtifactDigest.Span), Convert.ToHexStringLower(session.SessionId.Span),
            SigstoreBundleJson.Write(unlogged))
        {
            // never integrated outside the certificate's validity (verify would refuse the bundle), and an append still
            // on its way once the session gave up is refused by the log instead of landing unseen
            IntegrateBefore = new DateTimeOffset(leaf.NotAfter.ToUniversalTime()).ToUnixTimeSeconds(),
        };
        var reply = await tlog.Ask<object>(append.ToMessage(Guid.NewGuid().ToString("N")), timeout, ct);
        var receipt = reply switch
        {
            EntryAppended a => TLogMessages.FromMessage(a),
            AppendFailed { Code: "tlog.deadlinepassed" or "tlog.sessionalreadylogged" or "tlog.invalidargument" } f =>
                throw new SigningRefusedException(f.Code, "the log refused the entry: " + f.Message),
            AppendFailed f => throw new InvalidOperationException("the log could not take the entry: " + f.Message),
            _ => throw new InvalidOperationException($"the log replied {reply.GetType().Name}"),
        };
        var bundle = SigstoreBundleJson.Write(unlogged with { TlogEntries = [TlogEntryElement(receipt, body)] });
        WriteBundleFile(Convert.ToHexStringLower(session.SessionId.Span), bundle);
        return new Logged { LogIndex = receipt.LogIndex, BundleJson = ByteString.CopyFrom(bundle) };
    }

    internal static byte[] EnvelopeJson(DsseEnvelope envelope)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms)) envelope.WriteTo(w);
        return ms.ToArray();
    }

    internal static JsonElement TlogEntryElement(LogReceipt receipt, byte[] body)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms)) TlogEntryJson.Write(w, receipt, body);
        return SigstoreBundle.RawJson(ms.ToArray());
    }

    private void WriteBundleFile(string sessionHex, byte[] bundle)
    {
        Directory.CreateDirectory(bundleDirectory);
        var path = Path.Combine(bundleDirectory, sessionHex + ".json");
        var tmp = path + ".tmp";
        File.WriteAllBytes(tmp, bundle);
        File.Move(tmp, path, overwrite: true);
    }
}
