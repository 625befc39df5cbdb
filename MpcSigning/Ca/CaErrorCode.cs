namespace MpcSigning.Ca;

/// <summary>Every way the CA module can refuse; the wire name is <c>ca.</c> plus the snake_case of the member.</summary>
public enum CaErrorCode
{
    /// <summary>The session key is not a 32-byte Ed25519 point of prime order.</summary>
    InvalidPublicKey = 1,
    /// <summary>The session id is not 16 bytes.</summary>
    InvalidSessionId,
    /// <summary>The artifact digest is not a 32-byte SHA-256.</summary>
    InvalidArtifactDigest,
    /// <summary>The approver list is empty, has an empty/duplicate email, or an unknown role.</summary>
    InvalidApprovers,
    /// <summary>The enclave measurement is not 48 bytes (SEV-SNP MEASUREMENT).</summary>
    InvalidEnclaveMeasurement,
    /// <summary>The lifetime is not positive or exceeds ten minutes.</summary>
    InvalidLifetime,
    /// <summary>The CA certificate does not cover the requested validity window.</summary>
    CaNotValid,
    /// <summary>The CA files in the data directory are unreadable, inconsistent or half-present.</summary>
    CaStorageCorrupt,
    /// <summary>A certificate lacks an mpcsign extension or carries a malformed one.</summary>
    MalformedCertificate,
    /// <summary>The CA options are invalid (issuer, session URI prefix, CA validity).</summary>
    InvalidOptions,
    /// <summary>The approvals do not satisfy the CA's current trust policy, or name another policy.</summary>
    PolicyRefused,
}

/// <summary>A refusal by the CA, with its code and a one-line message saying what was wrong and how to fix it.</summary>
public sealed class CaException : Exception
{
    public CaErrorCode Code { get; }

    public CaException(CaErrorCode code, string message, Exception? inner = null) : base(message, inner) => Code = code;

    /// <summary>Stable wire code, e.g. <c>ca.invalid_lifetime</c>, for <c>ErrorInfo.code</c>.</summary>
    public string WireCode => "ca." + System.Text.RegularExpressions.Regex.Replace(Code.ToString(), "(?<!^)([A-Z])", "_$1").ToLowerInvariant();
}
