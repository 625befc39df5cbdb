namespace MpcSigning.AuthN;

/// <summary>
/// The registry's identity key. Emails are compared after trimming and lower-casing (invariant), so
/// "Alice@Example.org " and "alice@example.org" are one participant. Validation is deliberately simple
/// (one '@', a non-empty local part, a dotted domain, no spaces or control characters, at most 254 chars,
/// RFC 5321 section 4.5.3.1.3): enough to catch typos without rejecting real addresses. Look-alikes are refused:
/// letters of several scripts in one address, or a Cyrillic/Greek address that only imitates a Latin one
/// (<see cref="Confusables"/>), and text not in Unicode NFC.
/// </summary>
public static class ParticipantEmail
{
    public const int MaxLength = 254;

    /// <summary>The normalized email, or null with <paramref name="error"/> saying what is wrong.</summary>
    public static string? TryNormalize(string? email, out string error)
    {
        var e = (email ?? "").Trim().ToLowerInvariant();
        error = "";
        if (e.Length == 0) error = "email is empty; give the participant's address, e.g. alice@example.org.";
        else if (e.Length > MaxLength) error = $"email is {e.Length} characters long; at most {MaxLength} are allowed.";
        else if (e.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '/' or '\\'))
            error = $"email '{Text.Printable(e)}' contains a space, control character or slash; remove it.";
        else if (!e.IsNormalized(System.Text.NormalizationForm.FormC))
            error = $"email '{Text.Printable(e)}' is not in Unicode normal form C; type it again.";
        else if (Confusables.Problem(e) is { } confusable)
            error = $"email '{Text.Printable(e)}' {confusable}; use the address spelled in one script.";
        else
        {
            var at = e.IndexOf('@');
            var domain = at < 0 ? "" : e[(at + 1)..];
            if (at <= 0 || domain.Contains('@') || !domain.Contains('.') || domain.StartsWith('.') || domain.EndsWith('.'))
                error = $"email '{Text.Printable(e)}' is not of the form local@domain.tld; check the address.";
        }
        return error.Length == 0 ? e : null;
    }

    /// <exception cref="AuthNException"><see cref="AuthNError.InvalidEmail"/> when the address is malformed.</exception>
    public static string Normalize(string? email) =>
        TryNormalize(email, out var error) ?? throw new AuthNException(AuthNError.InvalidEmail, error);
}
