using System.Buffers.Text;
using System.Security.Cryptography;
using Google.Protobuf;
using MpcSigning.Proto.AuthN;

namespace MpcSigning.AuthN.Invitations;

/// <summary>
/// One-time invitation tokens (32 random bytes, base64url in the link <c>/enrol/{token}</c>, stored as SHA-256) and the
/// checks an invitation must pass before it admits an enrolment.
/// </summary>
public static class InvitationTokens
{
    public const int TokenBytes = 32;
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(24);
    public static readonly TimeSpan MinLifetime = TimeSpan.FromMinutes(1), MaxLifetime = TimeSpan.FromDays(30);

    /// <summary>A new token: the base64url text for the link and the hash to store.</summary>
    public static (string Token, byte[] Sha256) NewToken()
    {
        Span<byte> raw = stackalloc byte[TokenBytes];
        RandomNumberGenerator.Fill(raw);
        var hash = SHA256.HashData(raw);
        var token = Base64Url.EncodeToString(raw);
        CryptographicOperations.ZeroMemory(raw);
        return (token, hash);
    }

    /// <summary>The stored key of a token from a link, or null when it is not base64url of 32 bytes.</summary>
    public static byte[]? HashOf(string? token)
    {
        if (token is null || token.Length != 43) return null;
        Span<byte> raw = stackalloc byte[TokenBytes + 2];
        if (!Base64Url.IsValid(token) || Base64Url.DecodeFromChars(token, raw) != TokenBytes) return null;
        var hash = SHA256.HashData(raw[..TokenBytes]);
        CryptographicOperations.ZeroMemory(raw);
        return hash;
    }

    /// <summary>Builds an invitation after checking name, email, role and lifetime; throws AuthNException with a clear message.</summary>
    public static Invitation Create(byte[] tokenSha256, string name, string email, Role role, TimeSpan lifetime, DateTimeOffset now)
    {
        var normalized = ParticipantEmail.TryNormalize(email, out var badEmail)
                         ?? throw new AuthNException(AuthNError.InvalidEmail, badEmail);
        if (string.IsNullOrWhiteSpace(name)) throw new AuthNException(AuthNError.InvalidName, "an invitation needs the person's name, e.g. --name Alice");
        if (Registry.ParticipantValidation.NameProblem(name) is { } badName)
            throw new AuthNException(AuthNError.InvalidName, $"the invited name {badName}; give a plain display name, e.g. 'Alice'");
        if (role is not (Role.Engineer or Role.Steward))
            throw new AuthNException(AuthNError.InvalidRole, "an invitation needs the role engineer or steward");
        if (lifetime < MinLifetime || lifetime > MaxLifetime)
            throw new AuthNException(AuthNError.InvitationLifetimeInvalid,
                $"an invitation's lifetime must be between 1 minute and 30 days, not {lifetime}; e.g. --expires 24h");
        return new Invitation
        {
            TokenSha256 = ByteString.CopyFrom(tokenSha256), Name = name, Email = normalized, Role = role,
            CreatedAtUnixMs = now.ToUnixTimeMilliseconds(), ExpiresAtUnixMs = (now + lifetime).ToUnixTimeMilliseconds(),
        };
    }

    /// <summary>The usable invitation for a token, or a refusal (unknown/forged, expired, used) with a message for the person.</summary>
    public static (Invitation? Invitation, AuthNError Code, string Message) Check(IInvitationStore store, string? token, long nowUnixMs)
    {
        var hash = HashOf(token);
        var invitation = hash is null ? null : store.Find(hash);
        if (invitation is null)
            return (null, AuthNError.InvitationUnknown,
                "this invitation link is not valid (never issued, mistyped or altered); ask your operator for a new invitation");
        if (invitation.ConsumedAtUnixMs != 0)
            return (null, AuthNError.InvitationUsed,
                $"this invitation was already used on {DateTimeOffset.FromUnixTimeMilliseconds(invitation.ConsumedAtUnixMs):u}; an invitation enrols once, ask your operator for a new one");
        if (nowUnixMs >= invitation.ExpiresAtUnixMs)
            return (null, AuthNError.InvitationExpired,
                $"this invitation expired on {DateTimeOffset.FromUnixTimeMilliseconds(invitation.ExpiresAtUnixMs):u}; ask your operator for a new one");
        return (invitation, AuthNError.None, "");
    }

    /// <summary>Parses a lifetime such as 90m, 24h or 7d.</summary>
    public static TimeSpan ParseLifetime(string text)
    {
        if (text.Length >= 2 && long.TryParse(text.AsSpan(0, text.Length - 1), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 100_000)
        {
            switch (text[^1])
            {
                case 'm': return TimeSpan.FromMinutes(n);
                case 'h': return TimeSpan.FromHours(n);
                case 'd': return TimeSpan.FromDays(n);
            }
        }
        throw new AuthNException(AuthNError.InvitationLifetimeInvalid, $"--expires '{text}' is not a duration; give minutes, hours or days, e.g. 90m, 24h or 7d");
    }
}
