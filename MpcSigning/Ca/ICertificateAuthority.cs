using System.Security.Cryptography.X509Certificates;

namespace MpcSigning.Ca;

/// <summary>
/// The ephemeral CA's contract: it certifies one session's Ed25519 group public key for minutes, binding the
/// session id, artifact digest, approvers and enclave measurement into the certificate (see <see cref="MpcsignOids"/>).
/// Implementations: <c>File/</c> (key in the data directory, 0600).
/// </summary>
public interface ICertificateAuthority
{
    /// <summary>The public CA certificate (self-signed, ECDSA P-384); verifiers pin it as their trust root.</summary>
    X509Certificate2 Certificate { get; }

    /// <summary>
    /// Issues the X.509 v3 code-signing certificate for <paramref name="request"/>, valid from <paramref name="now"/>
    /// (truncated to whole seconds) for <see cref="CodeSigningRequest.Lifetime"/>. Returns the DER encoding.
    /// Throws <see cref="CaException"/> when the request is invalid or the CA is not valid at <paramref name="now"/>.
    /// </summary>
    byte[] IssueCodeSigningCertificate(CodeSigningRequest request, DateTimeOffset now);
}
