using MpcSigning.AuthN;
using MpcSigning.AuthN.Registry;
using MpcSigning.Proto.AuthN;

namespace MpcSigning.Policy;

/// <summary>
/// The registry as the trust policy allows it, once version 1 exists: enrolment admits only a participant the current
/// policy names with that very credential (a policy change puts them there; typing --role steward does not), and a
/// lookup answers with the policy's role and name, or nobody for a participant the policy revoked. Before the
/// bootstrap it is the registry itself: that enrolment is how the initial participants get into version 1.
/// </summary>
public sealed class PolicyGatedRegistry(IParticipantRegistry inner, PolicyStore store) : IParticipantRegistry
{
    public EnrollResult Enroll(Participant participant)
    {
        if (store.Current() is not { } policy) return inner.Enroll(participant);
        var normalized = ParticipantValidation.Normalize(participant, out var code, out var message);
        if (normalized is null) return EnrollResult.Refuse(code, message);
        var named = policy.Participants.FirstOrDefault(x => x.Email == normalized.Email);
        if (named is null || !named.PublicKeySpki.Equals(normalized.PublicKeySpki) || !named.CredentialId.Equals(normalized.CredentialId) ||
            named.Role != normalized.Role)
            return EnrollResult.Refuse(AuthNError.PolicyChangeNeeded,
                $"trust policy v{policy.Version} is in force and does not name {normalized.Email} as {RoleNames.ToName(normalized.Role)} with this credential; " +
                "enrolment is now a policy change the stewards approve: 'mpcsign policy propose --enroll ...'");
        return inner.Enroll(normalized);
    }

    public Participant? Find(string email) => Allowed(inner.Find(email));

    public Participant? FindByCredentialId(byte[] credentialId) => Allowed(inner.FindByCredentialId(credentialId));

    public IReadOnlyList<Participant> List() => inner.List().Select(Allowed).OfType<Participant>().ToArray();

    public bool TryAdvanceSignCount(string email, uint expectedOld, uint newCount) => inner.TryAdvanceSignCount(email, expectedOld, newCount);

    private Participant? Allowed(Participant? p)
    {
        if (p is null || store.Current() is not { } policy) return p;
        var named = policy.Participants.FirstOrDefault(x => x.Email == p.Email);
        if (named is null || !named.PublicKeySpki.Equals(p.PublicKeySpki) || !named.CredentialId.Equals(p.CredentialId)) return null;
        var allowed = p.Clone();
        allowed.Role = named.Role;
        allowed.Name = named.Name;
        return allowed;
    }
}
