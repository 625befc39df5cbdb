using Google.Protobuf;
using Grpc.Core;
using MpcSigning.Proto.Attestation;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Ca;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Proto.TLog;
using MpcSigning.Proto.Trust;

namespace MpcSigning.Hosting.Grpc;

/// <summary>A request field is malformed: the call is refused with InvalidArgument naming the field; nothing changed.</summary>
public sealed class RequestFieldException(string field, string problem) : Exception($"{field}: {problem}")
{
    public string Field { get; } = field;
}

/// <summary>Checks of request fields, before anything reaches an actor.</summary>
internal static class Fields
{
    public const int SessionIdSize = 16;

    public static byte[] SessionId(ByteString id, string field = "session_id") => id.Length == SessionIdSize ? id.ToByteArray()
        : throw new RequestFieldException(field, $"must be {SessionIdSize} bytes (the id 'request' returned), got {id.Length}");

    public static byte[] Digest(ByteString digest, string field) => digest.Length == 32 ? digest.ToByteArray()
        : throw new RequestFieldException(field, $"must be the 32-byte SHA-256 of the artifact, got {digest.Length} bytes");

    public static string Text(string value, string field, int max = 320) =>
        string.IsNullOrWhiteSpace(value) ? throw new RequestFieldException(field, "is empty")
        : value.Length > max ? throw new RequestFieldException(field, $"is longer than {max} characters") : value;

    public static T Required<T>(T? value, string field) where T : class =>
        value ?? throw new RequestFieldException(field, "is missing");

    /// <summary>Waits for an actor's reply, but no longer than the caller's deadline (or until it cancels).</summary>
    public static Task<T> Within<T>(this Task<T> reply, ServerCallContext context) => reply.WaitAsync(context.CancellationToken);
}

/// <summary>The coordinator's gRPC face: each call is the coordinator actor's message of the same name.</summary>
public sealed class CoordinatorService(NodeHost node) : Proto.Coordinator.Coordinator.CoordinatorBase
{
    /// <summary>How often WatchSession looks at the session's state.</summary>
    internal static TimeSpan WatchInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    public override Task<SigningRequested> RequestSigning(RequestSigning request, ServerCallContext context)
    {
        var digest = Fields.Digest(request.ArtifactDigest, "artifact_digest");
        if (request.ArtifactName.Length > 255) throw new RequestFieldException("artifact_name", "is longer than 255 characters");
        if (request.Requester.Length > 255) throw new RequestFieldException("requester", "is longer than 255 characters");
        var name = request.ArtifactName.Length == 0 ? "artifact" : request.ArtifactName;
        return node.Client.RequestSigningAsync(digest, name, request.Requester).Within(context);
    }

    public override Task<SessionStatus> GetChallenge(GetSessionStatus request, ServerCallContext context) => GetStatus(request, context);

    public override Task<SessionStatus> SubmitApproval(SubmitApproval request, ServerCallContext context)
    {
        var id = Fields.SessionId(request.SessionId);
        var email = Fields.Text(request.ParticipantEmail, "participant_email");
        var assertion = Fields.Required(request.Assertion, "assertion");
        return node.Client.ApproveAsync(id, email, assertion, request.Role).Within(context);
    }

    public override Task<SessionStatus> GetStatus(GetSessionStatus request, ServerCallContext context) =>
        node.Client.StatusAsync(Fields.SessionId(request.SessionId)).Within(context);

    public override async Task WatchSession(GetSessionStatus request, IServerStreamWriter<SessionStatus> responseStream, ServerCallContext context)
    {
        var id = Fields.SessionId(request.SessionId);
        SessionStatus? last = null;
        while (true)
        {
            var now = await node.Client.StatusAsync(id).Within(context);
            now.RequestId = "";
            if (last is null || !now.Equals(last))
            {
                await responseStream.WriteAsync(now, context.CancellationToken);
                last = now;
            }
            if (now.Phase is SessionPhase.Completed or SessionPhase.Failed or SessionPhase.Expired) return;
            await Task.Delay(WatchInterval, context.CancellationToken);
        }
    }
}

/// <summary>AuthN's gRPC face: enrolment (public keys only) and participant queries.</summary>
public sealed class AuthNService(NodeHost node) : Proto.AuthN.AuthN.AuthNBase
{
    public override Task<ParticipantEnrolled> Enroll(EnrollParticipant request, ServerCallContext context)
    {
        var participant = Fields.Required(request.Participant, "participant");
        Fields.Text(participant.Email, "participant.email");
        Fields.Text(participant.Name, "participant.name", 200);
        return node.Client.EnrollAsync(participant).Within(context);
    }

    public override Task<RegistrationOptions> BeginRegistration(BeginRegistration request, ServerCallContext context)
    {
        Fields.Text(request.Email, "email");
        Fields.Text(request.Name, "name", 200);
        return node.Client.BeginRegistrationAsync(request.Name, request.Email, request.Role).Within(context);
    }

    public override Task<ParticipantEnrolled> CompleteRegistration(CompleteRegistration request, ServerCallContext context)
    {
        if (request.CeremonyId.Length != 16)
            throw new RequestFieldException("ceremony_id", "is not the 16 bytes RegistrationOptions gave; start the registration again");
        Fields.Text(request.AttestationResponseJson, "attestation_response_json", 64 * 1024);
        return node.Client.CompleteRegistrationAsync(request.CeremonyId.ToByteArray(), request.AttestationResponseJson).Within(context);
    }

    public override Task<InvitationCreated> CreateInvitation(CreateInvitation request, ServerCallContext context)
    {
        Fields.Text(request.Email, "email");
        Fields.Text(request.Name, "name", 200);
        if (request.LifetimeSeconds < 0)
            throw new RequestFieldException("lifetime_seconds", "is negative; give 0 for the default (24 hours) or 60 .. 2592000");
        return node.Client.CreateInvitationAsync(request.Name, request.Email, request.Role, TimeSpan.FromSeconds(request.LifetimeSeconds)).Within(context);
    }

    public override async Task<ParticipantFound> FindParticipant(FindParticipant request, ServerCallContext context)
    {
        if (request.Email.Length == 0 && request.CredentialId.Length is > 0 and <= 1023)
            return new ParticipantFound
            {
                RequestId = request.RequestId,
                Participant = await node.Client.FindParticipantByCredentialIdAsync(request.CredentialId.ToByteArray()).Within(context),
            };
        var email = Fields.Text(request.Email, "email");
        return new ParticipantFound { RequestId = request.RequestId, Participant = await node.Client.FindParticipantAsync(email).Within(context) };
    }
}

/// <summary>The CA's gRPC face: public trust material only.</summary>
public sealed class CaService(NodeHost node) : Proto.Ca.CA.CABase
{
    public override Task<TrustRoot> GetTrustRoot(GetTrustMaterial request, ServerCallContext context)
    {
        node.CurrentPolicy(); // bootstraps v1 if no session has yet
        var chain = node.Policy.Load();
        return Task.FromResult(new TrustRoot
        {
            TrustedRootJson = ByteString.CopyFrom(Cli.TrustMaterial.TrustedRootJson(node)),
            TrustPolicyJson = chain is null ? ByteString.Empty : ByteString.CopyFrom(MpcSigning.Policy.PolicyJson.WriteChain(chain)),
        });
    }

    public override Task<CaTrustMaterial> GetCaCertificate(GetTrustMaterial request, ServerCallContext context) =>
        Task.FromResult(new CaTrustMaterial
        {
            RequestId = request.RequestId, CertificateDer = ByteString.CopyFrom(node.CertificateAuthority.Certificate.RawData),
        });
}

/// <summary>The transparency log's gRPC face: read only.</summary>
public sealed class TLogService(NodeHost node) : Proto.TLog.TLog.TLogBase
{
    public override async Task<Checkpoint> GetCheckpoint(GetCheckpoint request, ServerCallContext context) =>
        new() { SignedNote = await node.TransparencyLog.LatestCheckpointAsync(context.CancellationToken) };

    public override Task<LogEntriesFound> GetEntryByDigest(FindLogEntries request, ServerCallContext context)
    {
        var hex = request.ArtifactDigestHex.Trim().ToLowerInvariant();
        if (hex.Length != 64 || !hex.All(Uri.IsHexDigit))
            throw new RequestFieldException("artifact_digest_hex", "must be 64 hex characters (SHA-256)");
        return node.Client.FindLogEntriesAsync(Convert.FromHexString(hex)).Within(context);
    }

    public override async Task<FoundLogEntry> GetEntryByIndex(GetEntryByIndex request, ServerCallContext context)
    {
        if (request.LogIndex < 0) throw new RequestFieldException("log_index", "must not be negative");
        var e = await node.TransparencyLog.GetAsync(request.LogIndex, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"the log has no entry {request.LogIndex}"));
        return new FoundLogEntry
        {
            LogIndex = e.LogIndex, IntegratedTime = e.IntegratedTime, SessionId = e.SessionId,
            Attachment = ByteString.CopyFrom(e.Attachment), CanonicalBody = ByteString.CopyFrom(e.CanonicalBody),
            ArtifactDigestHex = e.ArtifactDigestHex,
        };
    }

    public override Task<LogTrustMaterial> GetLogIdentity(GetTrustMaterial request, ServerCallContext context)
    {
        var id = node.TransparencyLog.Identity;
        return Task.FromResult(new LogTrustMaterial
        {
            RequestId = request.RequestId, Origin = id.Origin, KeyName = id.KeyName, BaseUrl = id.BaseUrl, PublicKey = ByteString.CopyFrom(id.PublicKey),
        });
    }

    public override async Task<InclusionProofReply> GetInclusionProof(GetInclusionProof request, ServerCallContext context)
    {
        if (request.LogIndex < 0) throw new RequestFieldException("log_index", "must not be negative");
        if (request.TreeSize <= request.LogIndex) throw new RequestFieldException("tree_size", "must be larger than log_index");
        var p = await node.TransparencyLog.ProveInclusionAsync(request.LogIndex, request.TreeSize, context.CancellationToken);
        var reply = new InclusionProofReply { LogIndex = p.LogIndex, TreeSize = p.TreeSize, RootHash = ByteString.CopyFrom(p.RootHash) };
        reply.Hashes.AddRange(p.Hashes.Select(ByteString.CopyFrom));
        return reply;
    }

    public override async Task<ConsistencyProofReply> GetConsistencyProof(GetConsistencyProof request, ServerCallContext context)
    {
        if (request.FromSize < 1) throw new RequestFieldException("from_size", "must be at least 1");
        if (request.ToSize < request.FromSize) throw new RequestFieldException("to_size", "must not be smaller than from_size");
        var p = await node.TransparencyLog.ProveConsistencyAsync(request.FromSize, request.ToSize, context.CancellationToken);
        var reply = new ConsistencyProofReply
        {
            FromSize = p.FromSize, ToSize = p.ToSize, FromRoot = ByteString.CopyFrom(p.FromRoot), ToRoot = ByteString.CopyFrom(p.ToRoot),
        };
        reply.Hashes.AddRange(p.Hashes.Select(ByteString.CopyFrom));
        return reply;
    }
}

/// <summary>Attestation's gRPC face: the node's report over the client's nonce and its TLS key.</summary>
public sealed class AttestationService(INodeEvidenceSource source, ConnectionAttestations attested) : Proto.Attestation.Attestation.AttestationBase
{
    public override async Task<Evidence> GetEvidence(GetEvidence request, ServerCallContext context)
    {
        if (request.Nonce.Length != NodeEvidence.NonceSize)
            throw new RequestFieldException("nonce", $"must be {NodeEvidence.NonceSize} fresh random bytes, got {request.Nonce.Length}");
        var evidence = await source.GetAsync(request.Nonce.ToByteArray(), context.CancellationToken);
        attested.Record(context, Convert.ToHexStringLower(Crypto.Hashes.Sha256((evidence.AttestationEvidence?.Report ?? ByteString.Empty).Span)));
        return evidence;
    }
}
