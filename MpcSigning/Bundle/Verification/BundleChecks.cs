using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MpcSigning.Bundle.Dsse;
using MpcSigning.Bundle.InToto;
using MpcSigning.Bundle.Sigstore;
using MpcSigning.Ca;
using MpcSigning.Crypto;

namespace MpcSigning.Bundle.Verification;

/// <summary>
/// The offline checks of a bundle's signature, statement and certificate. Pure: no I/O, no clock (the signing time
/// is a parameter: the log entry's integratedTime), no configuration. Each returns <see cref="BundleCheckResult"/>
/// and never throws for bad input. The approval and quorum checks live with AuthN; the log checks with TLog.
/// </summary>
public static partial class BundleChecks
{
    /// <summary>
    /// The envelope's single signature is a valid Ed25519 signature (RFC 8032) over the DSSE PAE of its payload,
    /// under the certificate's key, and the payload type is in-toto.
    /// </summary>
    public static BundleCheckResult VerifySignature(SigstoreBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var env = bundle.DsseEnvelope;
        if (env.PayloadType != Dsse.Dsse.InTotoPayloadType)
            return BundleCheckResult.Fail(BundleErrorCode.WrongPayloadType,
                $"dsseEnvelope.payloadType is '{env.PayloadType}'; expected '{Dsse.Dsse.InTotoPayloadType}'.");
        // Sigstore bundles carry exactly one signature, made by the certificate's key.
        if (env.Signatures.Count != 1)
            return BundleCheckResult.Fail(BundleErrorCode.WrongSignatureCount,
                $"dsseEnvelope has {env.Signatures.Count} signatures; expected exactly one.");
        if (!TryLoadLeaf(bundle.CertificateDer, out var leaf, out var error)) return error;
        using (leaf)
        {
            byte[] key;
            try
            {
                key = SessionCertificateInfo.ReadEd25519PublicKey(leaf!);
            }
            catch (CaException e)
            {
                return BundleCheckResult.Fail(BundleErrorCode.MalformedCertificate, e.Message);
            }
            catch (CryptographicException e)
            {
                return MalformedCertificate(e);
            }
            return Ed25519.Verify(key, env.Pae(), env.Signatures[0].Sig)
                ? BundleCheckResult.Success
                : BundleCheckResult.Fail(BundleErrorCode.SignatureInvalid,
                    "dsseEnvelope signature does not verify over the DSSE PAE with the certificate's Ed25519 key.");
        }
    }

    /// <summary>The payload is an mpcsign in-toto Statement and one of its subjects has <paramref name="artifactSha256"/>.</summary>
    public static BundleCheckResult VerifySubject(SigstoreBundle bundle, ReadOnlySpan<byte> artifactSha256)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        if (!TryReadStatement(bundle, out var statement, out var error)) return error;
        foreach (var s in statement!.Subject)
            if (Hashes.FixedTimeEquals(s.Sha256, artifactSha256)) return BundleCheckResult.Success;
        return BundleCheckResult.Fail(BundleErrorCode.SubjectMismatch,
            $"artifact sha256 {Convert.ToHexStringLower(artifactSha256)} is not a subject of the statement (subjects: "
            + string.Join(", ", statement.Subject.Select(s => $"{s.Name}={Convert.ToHexStringLower(s.Sha256)}")) + ").");
    }

    /// <summary>Reads the in-toto Statement from the envelope payload.</summary>
    public static bool TryReadStatement(SigstoreBundle bundle, out InTotoStatement? statement, out BundleCheckResult error)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        try
        {
            statement = InTotoStatement.Parse(bundle.DsseEnvelope.Payload);
            error = BundleCheckResult.Success;
            return true;
        }
        catch (BundleFormatException e)
        {
            statement = null;
            error = e.ToResult();
            return false;
        }
    }

    private static bool TryLoadLeaf(byte[] der, out X509Certificate2? leaf, out BundleCheckResult error)
    {
        try
        {
            leaf = X509CertificateLoader.LoadCertificate(der);
            error = BundleCheckResult.Success;
            return true;
        }
        catch (CryptographicException e)
        {
            leaf = null;
            error = MalformedCertificate(e);
            return false;
        }
    }

    private static BundleCheckResult MalformedCertificate(CryptographicException e) =>
        BundleCheckResult.Fail(BundleErrorCode.MalformedCertificate,
            $"verificationMaterial.certificate.rawBytes is not a well-formed DER X.509 certificate: {e.Message}");
}
