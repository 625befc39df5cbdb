using MpcSigning.Proto.AuthN;

namespace MpcSigning.AuthN.Registry;

/// <summary>
/// Checks a participant before it is enrolled, for every registry implementation alike, and returns the
/// normalized copy to store (email trimmed and lower-cased, name trimmed).
/// </summary>
public static class ParticipantValidation
{
    /// <summary>WebAuthn L3 section 4 "Credential ID": at most 1023 bytes; mpcsign asks for at least 16 of entropy.</summary>
    public const int MinCredentialIdBytes = 16;
    public const int MaxCredentialIdBytes = 1023;

    /// <summary>A display name is at most this many UTF-16 code units.</summary>
    public const int MaxNameLength = 64;

    /// <summary>The normalized participant, or null with a code and message saying what to fix.</summary>
    public static Participant? Normalize(Participant? p, out AuthNError code, out string message)
    {
        code = AuthNError.None;
        message = "";
        if (p is null) return Fail(AuthNError.InvalidName, "no participant was given.", out code, out message);
        var email = ParticipantEmail.TryNormalize(p.Email, out var emailError);
        if (email is null) return Fail(AuthNError.InvalidEmail, emailError, out code, out message);
        var name = p.Name.Trim();
        if (name.Length == 0)
            return Fail(AuthNError.InvalidName, $"participant '{email}' has an empty name; give a display name, e.g. 'Alice'.",
                out code, out message);
        if (NameProblem(name) is { } problem)
            return Fail(AuthNError.InvalidName, $"participant '{email}' has a name that {problem}; give a plain display name, e.g. 'Alice'.",
                out code, out message);
        if (!RoleNames.IsValid(p.Role))
            return Fail(AuthNError.InvalidRole,
                $"participant '{email}' has role {RoleNames.ToName(p.Role)}; use '{RoleNames.Engineer}' or '{RoleNames.Steward}'.",
                out code, out message);
        if (p.CredentialId.Length is < MinCredentialIdBytes or > MaxCredentialIdBytes)
            return Fail(AuthNError.InvalidCredentialId,
                $"participant '{email}' has a {p.CredentialId.Length}-byte credential id; {MinCredentialIdBytes} to " +
                $"{MaxCredentialIdBytes} bytes are required. Enroll the id the authenticator reported.", out code, out message);
        var cose = Approvals.CredentialKey(p.CredentialPublicKeyCose, p.PublicKeySpki, out var keyProblem);
        if (cose is null)
            return Fail(AuthNError.PublicKeyInvalid,
                $"participant '{email}' has an unusable credential public key: {keyProblem}; enroll an ES256, EdDSA or RS256 credential.",
                out code, out message);
        var normalized = p.Clone();
        normalized.CredentialPublicKeyCose = Google.Protobuf.ByteString.CopyFrom(cose);
        normalized.Email = email;
        normalized.Name = name;
        return normalized;
    }

    /// <summary>Why a (trimmed) display name is refused, or null: too long, control or format characters, not NFC.</summary>
    public static string? NameProblem(string name)
    {
        if (name.Length > MaxNameLength) return $"is {name.Length} characters long (at most {MaxNameLength})";
        if (name.Any(c => char.IsControl(c) || char.IsSurrogate(c) ||
                          char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format
                              or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator))
            return "contains control, invisible formatting or non-BMP characters";
        if (!name.IsNormalized(System.Text.NormalizationForm.FormC)) return "is not in Unicode normal form C";
        return null;
    }

    private static Participant? Fail(AuthNError c, string m, out AuthNError code, out string message)
    {
        (code, message) = (c, m);
        return null;
    }
}
