namespace MpcSigning.Bundle;

/// <summary>Every way reading or checking a bundle can fail. <see cref="Ok"/> is success.</summary>
public enum BundleErrorCode
{
    Ok = 0,

    // Reading (the JSON is not a bundle mpcsign understands).
    /// <summary>Not JSON at all, or trailing garbage.</summary>
    MalformedJson,
    /// <summary>A field is absent, of the wrong JSON type, or holds invalid base64/hex.</summary>
    MalformedField,
    /// <summary>mediaType is not the Sigstore bundle v0.3 media type.</summary>
    UnsupportedMediaType,
    /// <summary>A valid bundle shape mpcsign does not produce (messageSignature, x509CertificateChain).</summary>
    UnsupportedContent,
    /// <summary>The DSSE payload is not an in-toto Statement v1 with the mpcsign quorum-approval predicate.</summary>
    MalformedStatement,

    // Checking (the bundle is well formed but does not hold).
    /// <summary>The certificate is not DER X.509 with an RFC 8410 Ed25519 key and the mpcsign extensions.</summary>
    MalformedCertificate,
    /// <summary>payloadType is not application/vnd.in-toto+json.</summary>
    WrongPayloadType,
    /// <summary>The envelope does not carry exactly one signature.</summary>
    WrongSignatureCount,
    /// <summary>The Ed25519 signature over the DSSE PAE does not verify with the certificate's key.</summary>
    SignatureInvalid,
    /// <summary>No Statement subject has the artifact's SHA-256.</summary>
    SubjectMismatch,
    /// <summary>No CA certificate was given to check the chain against.</summary>
    NoTrustAnchors,
    /// <summary>The certificate does not chain to one of the given CA certificates.</summary>
    ChainUntrusted,
    /// <summary>The signing time is before the certificate's notBefore.</summary>
    CertificateNotYetValid,
    /// <summary>The signing time is after the certificate's notAfter.</summary>
    CertificateExpired,
    /// <summary>The certificate lacks KeyUsage digitalSignature or EKU codeSigning, or is a CA certificate.</summary>
    WrongCertificateUsage,
    /// <summary>The certificate's session id differs from the predicate's.</summary>
    SessionIdMismatch,
    /// <summary>The certificate's artifact digest differs from the predicate's or the subject's.</summary>
    ArtifactDigestMismatch,
    /// <summary>The certificate's approvers differ from the predicate's.</summary>
    ApproversMismatch,
}

/// <summary>The outcome of one check: <see cref="BundleErrorCode.Ok"/>, or a code and one line naming what failed.</summary>
public readonly record struct BundleCheckResult(BundleErrorCode Code, string Message)
{
    public static readonly BundleCheckResult Success = new(BundleErrorCode.Ok, "ok");

    public bool IsOk => Code == BundleErrorCode.Ok;

    public static BundleCheckResult Fail(BundleErrorCode code, string message) => new(code, message);

    public override string ToString() => IsOk ? "ok" : $"{Code}: {Message}";
}

/// <summary>A bundle or statement that cannot be read; <see cref="Exception.Message"/> names the field and what was expected.</summary>
public sealed class BundleFormatException(BundleErrorCode code, string message, Exception? inner = null) : Exception(message, inner)
{
    public BundleErrorCode Code { get; } = code;

    public BundleCheckResult ToResult() => BundleCheckResult.Fail(Code, Message);
}
