using MpcSigning.Proto.AuthN;

namespace MpcSigning.AuthN.Invitations;

/// <summary>Enrolment invitations, keyed by the SHA-256 of their token (the token itself is never stored).</summary>
public interface IInvitationStore
{
    /// <summary>Stores a new invitation (its token hash is unique).</summary>
    void Add(Invitation invitation);

    /// <summary>The invitation with this token hash, or null.</summary>
    Invitation? Find(byte[] tokenSha256);

    /// <summary>Marks it consumed at <paramref name="nowUnixMs"/> if it was not yet; false when it already was (or is unknown).</summary>
    bool TryConsume(byte[] tokenSha256, long nowUnixMs);
}
