using System.Security.Authentication;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using MpcSigning.Cli;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Ca;
using MpcSigning.Proto.Common;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Proto.TLog;
using MpcSigning.Proto.Trust;

namespace MpcSigning.Hosting.Grpc;

/// <summary>
/// <see cref="NodeClient"/> over a node's gRPC edge. A refusal arrives as the same <see cref="ServiceRefusedException"/>
/// (code from the status trailer), so the commands print the same one line as against the embedded node; transport
/// failures become one line naming the node.
/// </summary>
public sealed class GrpcNodeClient : NodeClient
{
    private readonly Proto.Coordinator.Coordinator.CoordinatorClient _coordinator;
    private readonly Proto.AuthN.AuthN.AuthNClient _authn;
    private readonly Proto.TLog.TLog.TLogClient _tlog;
    private readonly CA.CAClient _ca;
    private readonly TimeSpan _timeout;
    private readonly GrpcNodeAccess.ServerCheck _tls;

    internal GrpcNodeClient(GrpcChannel channel, string url, TimeSpan timeout, GrpcNodeAccess.ServerCheck tls)
    {
        _coordinator = new Proto.Coordinator.Coordinator.CoordinatorClient(channel);
        _authn = new Proto.AuthN.AuthN.AuthNClient(channel);
        _tlog = new Proto.TLog.TLog.TLogClient(channel);
        _ca = new CA.CAClient(channel);
        _timeout = timeout;
        _tls = tls;
        Url = url;
    }

    public string Url { get; }

    public override Task<ParticipantEnrolled> EnrollAsync(Participant participant) =>
        Call(o => _authn.EnrollAsync(new EnrollParticipant { RequestId = NewId(), Participant = participant }, o), _timeout);

    public override Task<RegistrationOptions> BeginRegistrationAsync(string name, string email, Role role) =>
        Call(o => _authn.BeginRegistrationAsync(new BeginRegistration { RequestId = NewId(), Name = name, Email = email, Role = role }, o), _timeout);

    public override Task<ParticipantEnrolled> CompleteRegistrationAsync(byte[] ceremonyId, string attestationResponseJson) =>
        Call(o => _authn.CompleteRegistrationAsync(new CompleteRegistration
        {
            RequestId = NewId(), CeremonyId = ByteString.CopyFrom(ceremonyId), AttestationResponseJson = attestationResponseJson,
        }, o), _timeout);

    public override Task<InvitationCreated> CreateInvitationAsync(string name, string email, Role role, TimeSpan lifetime) =>
        Call(o => _authn.CreateInvitationAsync(new CreateInvitation
        {
            RequestId = NewId(), Name = name, Email = email, Role = role, LifetimeSeconds = (long)lifetime.TotalSeconds,
        }, o), _timeout);

    public override async Task<Participant> FindParticipantByCredentialIdAsync(byte[] credentialId) =>
        (await Call(o => _authn.FindParticipantAsync(new FindParticipant { RequestId = NewId(), CredentialId = ByteString.CopyFrom(credentialId) }, o),
            _timeout)).Participant;

    public override async Task<Participant> FindParticipantAsync(string email) =>
        (await Call(o => _authn.FindParticipantAsync(new FindParticipant { RequestId = NewId(), Email = email }, o), _timeout)).Participant;

    public override Task<SigningRequested> RequestSigningAsync(byte[] artifactDigest, string artifactName, string requester) =>
        Call(o => _coordinator.RequestSigningAsync(new RequestSigning
        {
            RequestId = NewId(), ArtifactDigest = ByteString.CopyFrom(artifactDigest), ArtifactName = artifactName, Requester = requester,
        }, o), _timeout);

    public override Task<SessionStatus> ApproveAsync(byte[] sessionId, string email, Assertion assertion, Role role = Role.Unspecified) =>
        Call(o => _coordinator.SubmitApprovalAsync(new SubmitApproval
        {
            RequestId = NewId(), SessionId = ByteString.CopyFrom(sessionId), ParticipantEmail = email, Assertion = assertion, Role = role,
        }, o), _timeout * 4 + TimeSpan.FromSeconds(5)); // the approval that completes the quorum waits for signing

    public override Task<SessionStatus> StatusAsync(byte[] sessionId) =>
        Call(o => _coordinator.GetStatusAsync(new GetSessionStatus { RequestId = NewId(), SessionId = ByteString.CopyFrom(sessionId) }, o), _timeout);

    public override Task<SessionStatus> ResumeSigningAsync(byte[] sessionId) =>
        throw new CliException("a node resumes its interrupted sessions itself; ask it with 'mpcsign status'");

    public override Task<LogEntriesFound> FindLogEntriesAsync(byte[] artifactDigest) =>
        Call(o => _tlog.GetEntryByDigestAsync(new FindLogEntries
        {
            RequestId = NewId(), ArtifactDigestHex = Convert.ToHexStringLower(artifactDigest),
        }, o), _timeout);

    public async Task<byte[]> TrustedRootJsonAsync() => (await TrustRootAsync()).TrustedRootJson.ToByteArray();

    /// <summary>The node's TrustedRoot and its trust policy chain (empty when it publishes none).</summary>
    public Task<TrustRoot> TrustRootAsync() =>
        Call(o => _ca.GetTrustRootAsync(new GetTrustMaterial { RequestId = NewId() }, o), _timeout);

    public async Task<string> CheckpointAsync() => (await Call(o => _tlog.GetCheckpointAsync(new GetCheckpoint(), o), _timeout)).SignedNote;

    public Task<LogTrustMaterial> LogIdentityAsync() => Call(o => _tlog.GetLogIdentityAsync(new GetTrustMaterial { RequestId = NewId() }, o), _timeout);

    public Task<InclusionProofReply> InclusionProofAsync(long index, long treeSize) =>
        Call(o => _tlog.GetInclusionProofAsync(new GetInclusionProof { LogIndex = index, TreeSize = treeSize }, o), _timeout);

    public Task<ConsistencyProofReply> ConsistencyProofAsync(long fromSize, long toSize) =>
        Call(o => _tlog.GetConsistencyProofAsync(new GetConsistencyProof { FromSize = fromSize, ToSize = toSize }, o), _timeout);

    public Task<FoundLogEntry> EntryAsync(long index) => Call(o => _tlog.GetEntryByIndexAsync(new GetEntryByIndex { LogIndex = index }, o), _timeout);

    /// <summary>The session's status now and at each change until it is final; <paramref name="onChange"/> sees each.</summary>
    public async Task<SessionStatus> WatchAsync(byte[] sessionId, Func<SessionStatus, Task> onChange, TimeSpan limit)
    {
        try
        {
            using var call = _coordinator.WatchSession(new GetSessionStatus { RequestId = NewId(), SessionId = ByteString.CopyFrom(sessionId) },
                new CallOptions(deadline: DateTime.UtcNow + limit));
            SessionStatus? last = null;
            await foreach (var status in call.ResponseStream.ReadAllAsync())
            {
                last = status;
                await onChange(status);
            }
            return last ?? throw new CliException($"the node at {Url} ended the watch without a status");
        }
        catch (RpcException e)
        {
            throw Translate(e);
        }
    }

    internal async Task<T> Call<T>(Func<CallOptions, AsyncUnaryCall<T>> call, TimeSpan timeout)
    {
        try
        {
            return await call(new CallOptions(deadline: DateTime.UtcNow + timeout));
        }
        catch (RpcException e)
        {
            throw Translate(e);
        }
    }

    private Exception Translate(RpcException e)
    {
        if (e.Trailers.GetValue(EdgeInterceptor.ErrorCodeTrailer) is { Length: > 0 } code)
            return new ServiceRefusedException(new ErrorInfo { Code = code, Message = e.Status.Detail });
        if (_tls.Refusal is { } refusal)
            return new CliException($"the node at {Url} is not trusted: {refusal} (check {GrpcNodeAccess.CaVariable})");
        return e.StatusCode switch
        {
            StatusCode.DeadlineExceeded => new CliException($"the node at {Url} did not answer in time"),
            StatusCode.Unavailable or StatusCode.Internal when e.Status.DebugException is { } inner =>
                new CliException($"cannot talk to the node at {Url}: {Innermost(inner)}"),
            StatusCode.ResourceExhausted => new CliException($"the node at {Url} refused the message as too large: {e.Status.Detail}"),
            _ => new CliException($"the node at {Url} answered {e.StatusCode}: {OneLine(e.Status.Detail)}"),
        };
    }

    /// <summary>The innermost reason of a transport failure, on one line (a refused handshake says so).</summary>
    private static string Innermost(Exception e)
    {
        var all = new List<Exception>();
        for (var x = e; x is not null; x = x.InnerException) all.Add(x);
        var text = OneLine(all[^1].Message);
        // Under TLS 1.3 a server that refuses the client's certificate says so after the client's side of the handshake
        // is done: the client sees the TLS or the HTTP/2 handshake cut off.
        return all.Any(x => x is AuthenticationException or IOException)
            || new[] { "SSL", "TLS", "handshake" }.Any(w => text.Contains(w, StringComparison.OrdinalIgnoreCase))
            ? $"the TLS connection failed ({text}); the node requires a client certificate from its CA ({GrpcNodeAccess.CertVariable}, {GrpcNodeAccess.KeyVariable})"
            : text;
    }

    private static string OneLine(string s) => string.Join(' ', s.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();

    private static string NewId() => Guid.NewGuid().ToString("N");
}
