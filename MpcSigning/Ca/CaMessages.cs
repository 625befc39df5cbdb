using Google.Protobuf;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Ca;
using MpcSigning.Proto.Common;

namespace MpcSigning.Ca;

/// <summary>Maps the CA's wire messages (proto/ca.proto) to and from <see cref="CodeSigningRequest"/>. Pure.</summary>
public static class CaMessages
{
    /// <summary>The request a <see cref="CertifySessionKey"/> asks for; throws <see cref="CaException"/> for an unknown role or lifetime.</summary>
    public static CodeSigningRequest ToRequest(CertifySessionKey message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.LifetimeSeconds > CodeSigningRequest.MaxLifetime.TotalSeconds)
            throw new CaException(CaErrorCode.InvalidLifetime,
                $"lifetime_seconds {message.LifetimeSeconds} exceeds {CodeSigningRequest.MaxLifetime.TotalSeconds}; a session certificate lives at most ten minutes.");
        return new CodeSigningRequest
        {
            Ed25519PublicKey = message.Ed25519PublicKey.ToByteArray(),
            SessionId = message.SessionId.ToByteArray(),
            ArtifactDigest = message.ArtifactDigest.ToByteArray(),
            EnclaveMeasurement = message.EnclaveMeasurement.ToByteArray(),
            Approvers = message.Approvers.Select(a => (a.Email, RoleName(a.Role))).ToList(),
            Lifetime = message.LifetimeSeconds == 0 ? CodeSigningRequest.MaxLifetime : TimeSpan.FromSeconds(message.LifetimeSeconds),
        };
    }

    /// <summary>The wire form of <paramref name="request"/>.</summary>
    public static CertifySessionKey ToMessage(CodeSigningRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var m = new CertifySessionKey
        {
            SessionId = ByteString.CopyFrom(request.SessionId),
            ArtifactDigest = ByteString.CopyFrom(request.ArtifactDigest),
            Ed25519PublicKey = ByteString.CopyFrom(request.Ed25519PublicKey),
            EnclaveMeasurement = ByteString.CopyFrom(request.EnclaveMeasurement),
            LifetimeSeconds = (uint)request.Lifetime.TotalSeconds,
        };
        m.Approvers.AddRange(request.Approvers.Select(a => new CertifiedApprover { Email = a.Email, Role = RoleValue(a.Role) }));
        return m;
    }

    /// <summary>Handles one request: the certificate, or the refusal with its wire code. Never throws for a bad request.</summary>
    /// <param name="policy">When the CA checks approvals against a trust policy: the check (null when none is configured).</param>
    public static IMessage Handle(ICertificateAuthority ca, CertifySessionKey message, DateTimeOffset now, Policy.CaPolicyCheck? policy = null)
    {
        ArgumentNullException.ThrowIfNull(ca);
        try
        {
            var binding = policy?.Check(message);
            var der = ca.IssueCodeSigningCertificate(ToRequest(message) with { Policy = binding }, now);
            return new SessionKeyCertified { SessionId = message.SessionId, CertificateDer = ByteString.CopyFrom(der) };
        }
        catch (CaException e)
        {
            return new SessionKeyRefused { SessionId = message.SessionId, Error = new ErrorInfo { Code = e.WireCode, Message = e.Message } };
        }
    }

    /// <summary>The role name written in certificates; an unspecified or unknown role is refused.</summary>
    public static string RoleName(Role role) => role switch
    {
        Role.Engineer => ApproverRoles.Engineer,
        Role.Steward => ApproverRoles.Steward,
        _ => throw new CaException(CaErrorCode.InvalidApprovers, $"approver role {role} is not engineer or steward."),
    };

    public static Role RoleValue(string role) => role switch
    {
        ApproverRoles.Engineer => Role.Engineer,
        ApproverRoles.Steward => Role.Steward,
        _ => throw new CaException(CaErrorCode.InvalidApprovers, $"approver role '{role}' is not engineer or steward."),
    };
}
