using MpcSigning.Proto.AuthN;

namespace MpcSigning.AuthN;

/// <summary>The user-facing names of <see cref="Role"/>: "engineer" and "steward".</summary>
public static class RoleNames
{
    public const string Engineer = "engineer";
    public const string Steward = "steward";

    /// <summary>Parses "engineer" or "steward" (case-insensitive, surrounding spaces ignored).</summary>
    /// <exception cref="AuthNException"><see cref="AuthNError.InvalidRole"/> for anything else.</exception>
    public static Role Parse(string? text) =>
        TryParse(text, out var role)
            ? role
            : throw new AuthNException(AuthNError.InvalidRole,
                $"role '{text}' is not known; use '{Engineer}' or '{Steward}'.");

    public static bool TryParse(string? text, out Role role)
    {
        role = (text?.Trim().ToLowerInvariant()) switch
        {
            Engineer => Role.Engineer,
            Steward => Role.Steward,
            _ => Role.Unspecified,
        };
        return role != Role.Unspecified;
    }

    /// <summary>True for the two roles a participant may hold; false for ROLE_UNSPECIFIED and unknown values.</summary>
    public static bool IsValid(Role role) => role is Role.Engineer or Role.Steward;

    public static string ToName(Role role) => role switch
    {
        Role.Engineer => Engineer,
        Role.Steward => Steward,
        _ => $"invalid role ({(int)role})",
    };
}
