using Google.Protobuf;
using MpcSigning.AuthN;
using MpcSigning.AuthN.Registry;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Policy;

namespace MpcSigning.Policy;

/// <summary>
/// Proposed changes to a policy: each returns the next version (number + 1, naming the old digest), validated, not yet
/// approved. Approval is a session of the old version's stewards over the new version's digest (<see cref="PolicyChain.CheckStep"/>).
/// </summary>
public static class PolicyChanges
{
    public static TrustPolicy Next(TrustPolicy old, long nowUnixMs, Action<TrustPolicy> change)
    {
        var next = old.Clone();
        next.Version = old.Version + 1;
        next.PreviousDigest = ByteString.CopyFrom(PolicyDigest.Of(old));
        next.CreatedAtUnixMs = nowUnixMs;
        change(next);
        Sort(next);
        PolicyValidation.Check(next);
        return next;
    }

    public static TrustPolicy Enrol(TrustPolicy old, Participant p, long nowUnixMs)
    {
        var normalized = ParticipantValidation.Normalize(p, out _, out var message) ?? throw new PolicyException(message);
        return Next(old, nowUnixMs, next =>
        {
            if (next.Participants.Any(x => x.Email == normalized.Email))
                throw new PolicyException($"{normalized.Email} is already in trust policy v{old.Version}; change their role or revoke them instead");
            next.Participants.Add(ToPolicy(normalized));
        });
    }

    public static TrustPolicy ChangeRole(TrustPolicy old, string email, Role role, long nowUnixMs) => Next(old, nowUnixMs, next =>
    {
        var who = Find(next, email, old.Version);
        if (!RoleNames.IsValid(role)) throw new PolicyException($"role {RoleNames.ToName(role)} is not engineer or steward");
        if (who.Role == role) throw new PolicyException($"{who.Email} already is {RoleNames.ToName(role)} in trust policy v{old.Version}");
        who.Role = role;
    });

    public static TrustPolicy Revoke(TrustPolicy old, string email, long nowUnixMs) => Next(old, nowUnixMs, next =>
        next.Participants.Remove(Find(next, email, old.Version)));

    public static TrustPolicy ChangeRule(TrustPolicy old, uint engineers, uint stewards, long nowUnixMs) => Next(old, nowUnixMs, next =>
    {
        next.RequiredEngineers = engineers;
        next.RequiredStewards = stewards;
    });

    public static PolicyParticipant ToPolicy(Participant p) => new()
    {
        Email = p.Email, Name = p.Name, Role = p.Role, PublicKeySpki = p.PublicKeySpki, CredentialId = p.CredentialId,
    };

    /// <summary>The canonical order: participants by email, measurements and origins sorted.</summary>
    public static void Sort(TrustPolicy p)
    {
        var participants = p.Participants.OrderBy(x => x.Email, StringComparer.Ordinal).ToArray();
        p.Participants.Clear();
        p.Participants.AddRange(participants);
        var measurements = p.AllowedMeasurements.Distinct().Order(StringComparer.Ordinal).ToArray();
        p.AllowedMeasurements.Clear();
        p.AllowedMeasurements.AddRange(measurements);
    }

    private static PolicyParticipant Find(TrustPolicy p, string email, uint version)
    {
        var e = ParticipantEmail.Normalize(email);
        return p.Participants.FirstOrDefault(x => x.Email == e)
            ?? throw new PolicyException($"{e} is not a participant of trust policy v{version}");
    }
}
