using Akka.Actor;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Common;

namespace MpcSigning.Hosting.Cluster;

/// <summary>
/// A signer node's view of the participant registry: it asks the AuthN service (the deployment's one registry) over
/// the attested link instead of keeping a copy that could drift.
/// </summary>
public static class RemoteParticipants
{
    public static Func<string, CancellationToken, Task<Participant?>> Lookup(IActorRef authn, TimeSpan timeout) => async (email, ct) =>
    {
        var reply = await authn.Ask<object>(new FindParticipant { RequestId = Guid.NewGuid().ToString("N"), Email = email }, timeout, ct);
        return reply switch
        {
            ParticipantFound found => found.Participant,
            Rejected { Error.Code: "authn.unknownparticipant" } => null,
            Rejected r => throw new InvalidOperationException("AuthN refused the look-up: " + r.Error.Message),
            _ => throw new InvalidOperationException($"AuthN replied {reply.GetType().Name} to a participant look-up"),
        };
    };
}
