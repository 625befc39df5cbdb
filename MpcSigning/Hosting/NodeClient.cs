using Google.Protobuf;
using Akka.Actor;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Common;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Proto.TLog;

namespace MpcSigning.Hosting;

/// <summary>
/// A client's view of a node: request-reply over the node's actors. The CLI reaching a remote node over gRPC (--node)
/// uses a subclass (<see cref="Grpc.GrpcNodeClient"/>) with the same calls, so the commands do not change.
/// </summary>
public class NodeClient(IActorRef coordinator, IActorRef authN, IActorRef tlog, TimeSpan timeout)
{
    /// <summary>For a subclass that reaches the node another way (overriding every call).</summary>
    protected NodeClient() : this(ActorRefs.Nobody, ActorRefs.Nobody, ActorRefs.Nobody, TimeSpan.Zero)
    {
    }

    public virtual Task<ParticipantEnrolled> EnrollAsync(Participant participant) =>
        Call<ParticipantEnrolled>(authN, new EnrollParticipant { RequestId = NewId(), Participant = participant });

    public virtual Task<RegistrationOptions> BeginRegistrationAsync(string name, string email, Role role) =>
        Call<RegistrationOptions>(authN, new BeginRegistration { RequestId = NewId(), Name = name, Email = email, Role = role });

    public virtual Task<ParticipantEnrolled> CompleteRegistrationAsync(byte[] ceremonyId, string attestationResponseJson) =>
        Call<ParticipantEnrolled>(authN, new CompleteRegistration
        {
            RequestId = NewId(), CeremonyId = ByteString.CopyFrom(ceremonyId), AttestationResponseJson = attestationResponseJson,
        });

    public virtual Task<InvitationCreated> CreateInvitationAsync(string name, string email, Role role, TimeSpan lifetime) =>
        Call<InvitationCreated>(authN, new CreateInvitation
        {
            RequestId = NewId(), Name = name, Email = email, Role = role, LifetimeSeconds = (long)lifetime.TotalSeconds,
        });

    public virtual Task<InvitedRegistrationOptions> BeginInvitedRegistrationAsync(string token) =>
        Call<InvitedRegistrationOptions>(authN, new BeginInvitedRegistration { RequestId = NewId(), Token = token });

    /// <summary>ParticipantEnrolled, or InvitedEnrolmentNeedsPolicyChange when a trust policy is in force; throws when refused.</summary>
    public virtual async Task<Google.Protobuf.IMessage> CompleteInvitedRegistrationAsync(string token, byte[] ceremonyId, string attestationResponseJson)
    {
        var message = new CompleteInvitedRegistration
        {
            RequestId = NewId(), Token = token, CeremonyId = ByteString.CopyFrom(ceremonyId), AttestationResponseJson = attestationResponseJson,
        };
        var reply = await authN.Ask<object>(message, timeout);
        return reply switch
        {
            ParticipantEnrolled or InvitedEnrolmentNeedsPolicyChange => (Google.Protobuf.IMessage)reply,
            Rejected r => throw new ServiceRefusedException(r.Error),
            _ => throw new InvalidOperationException($"{authN.Path} replied {reply.GetType().Name} to {message.GetType().Name}"),
        };
    }

    public virtual async Task<Participant> FindParticipantByCredentialIdAsync(byte[] credentialId) =>
        (await Call<ParticipantFound>(authN, new FindParticipant { RequestId = NewId(), CredentialId = ByteString.CopyFrom(credentialId) })).Participant;

    public virtual async Task<Participant> FindParticipantAsync(string email) =>
        (await Call<ParticipantFound>(authN, new FindParticipant { RequestId = NewId(), Email = email })).Participant;

    /// <summary>Verifies a web sign-in assertion over <paramref name="challenge"/>; the participant it belongs to.</summary>
    public virtual async Task<Participant> VerifySignInAsync(byte[] challenge, Assertion assertion) =>
        (await Call<ParticipantFound>(authN, new VerifySignIn { RequestId = NewId(), Challenge = ByteString.CopyFrom(challenge), Assertion = assertion })).Participant;

    /// <summary>The sessions the node has running (final ones may be missing).</summary>
    public virtual async Task<IReadOnlyList<SessionStatus>> ListSessionsAsync() =>
        (await Call<SessionList>(coordinator, new ListSessions { RequestId = NewId() })).Sessions;

    public virtual Task<SigningRequested> RequestSigningAsync(byte[] artifactDigest, string artifactName, string requester) =>
        Call<SigningRequested>(coordinator, new RequestSigning
        {
            RequestId = NewId(), ArtifactDigest = ByteString.CopyFrom(artifactDigest), ArtifactName = artifactName, Requester = requester,
        });

    public virtual Task<SessionStatus> ApproveAsync(byte[] sessionId, string email, Assertion assertion, Role role = Role.Unspecified) =>
        Call<SessionStatus>(coordinator, new SubmitApproval
        {
            RequestId = NewId(), SessionId = ByteString.CopyFrom(sessionId), ParticipantEmail = email, Assertion = assertion, Role = role,
        }, signing: true);

    public virtual Task<SessionStatus> StatusAsync(byte[] sessionId) =>
        Call<SessionStatus>(coordinator, new GetSessionStatus { RequestId = NewId(), SessionId = ByteString.CopyFrom(sessionId) });

    /// <summary>Finishes a session cut off mid-signing; returns its final status.</summary>
    public virtual Task<SessionStatus> ResumeSigningAsync(byte[] sessionId) =>
        Call<SessionStatus>(coordinator, new ResumeSigning { RequestId = NewId(), SessionId = ByteString.CopyFrom(sessionId) }, signing: true);

    public virtual Task<LogEntriesFound> FindLogEntriesAsync(byte[] artifactDigest) =>
        Call<LogEntriesFound>(tlog, new FindLogEntries { RequestId = NewId(), ArtifactDigestHex = Convert.ToHexStringLower(artifactDigest) });

    private async Task<T> Call<T>(IActorRef target, object message, bool signing = false)
    {
        // The approval that completes the quorum waits for signing, certification and logging.
        var reply = await target.Ask<object>(message, signing ? timeout * 4 : timeout);
        return reply switch
        {
            T ok => ok,
            Rejected r => throw new ServiceRefusedException(r.Error),
            _ => throw new InvalidOperationException($"{target.Path} replied {reply.GetType().Name} to {message.GetType().Name}"),
        };
    }

    private static string NewId() => Guid.NewGuid().ToString("N");
}

/// <summary>A service refused a command; nothing changed. The message is safe to show.</summary>
public sealed class ServiceRefusedException(ErrorInfo error) : Exception(error.Message)
{
    public ErrorInfo Error { get; } = error;
}
