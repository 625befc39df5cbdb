namespace MpcSigning.AuthN;

/// <summary>
/// Raised by the AuthN operations that touch files or parse user input (software authenticator files,
/// <see cref="RoleNames.Parse"/>). Verification never throws; it returns a result with the same codes.
/// The message is safe to show to the user: it never contains key material.
/// </summary>
public sealed class AuthNException : Exception
{
    public AuthNError Code { get; }

    public AuthNException(AuthNError code, string message, Exception? inner = null) : base(message, inner) => Code = code;
}
