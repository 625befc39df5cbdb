namespace MpcSigning.Ca;

/// <summary>
/// Object identifiers of mpcsign's certificate extensions.
/// <para>
/// The project's own arc is minted under <c>2.25</c> (ITU-T X.667 / RFC 4122 section 4.1: a UUID written as one
/// decimal integer is an OID nobody else can hold). UUID <c>ca3bd835-7894-44fe-a19c-78baeacc1e35</c> gives
/// <c>2.25.268814785900091011191377309227763375669</c>. Sub-arcs (all extensions non-critical, so that
/// generic verifiers such as OpenSSL accept the chain without knowing them):
/// </para>
/// <list type="table">
/// <item><term>.1 session id</term><description>OCTET STRING, the 16-byte session id.</description></item>
/// <item><term>.2 artifact digest</term><description>OCTET STRING, the 32-byte SHA-256 of the artifact.</description></item>
/// <item><term>.3 approvers</term><description>SEQUENCE OF SEQUENCE { email UTF8String, role UTF8String } in approval order; role is "engineer" or "steward".</description></item>
/// <item><term>.4 enclave measurement</term><description>OCTET STRING, the signers' 48-byte SEV-SNP MEASUREMENT.</description></item>
/// <item><term>.5 policy binding</term><description>SEQUENCE { version INTEGER, policyDigest OCTET STRING (32),
/// approvalsDigest OCTET STRING (32) }: the trust policy version the CA checked the approvals against, its digest, and
/// the digest of the approvals it saw (<see cref="Policy.PolicyEvidence.ApprovalsDigest"/>).</description></item>
/// </list>
/// </summary>
public static class MpcsignOids
{
    /// <summary>The UUID the arc was minted from.</summary>
    public const string ArcUuid = "ca3bd835-7894-44fe-a19c-78baeacc1e35";

    public const string Arc = "2.25.268814785900091011191377309227763375669";
    public const string SessionId = Arc + ".1";
    public const string ArtifactDigest = Arc + ".2";
    public const string Approvers = Arc + ".3";
    public const string EnclaveMeasurement = Arc + ".4";
    public const string PolicyBinding = Arc + ".5";

    /// <summary>Sigstore/Fulcio "Issuer (V2)": DER UTF8String naming the identity issuer (Fulcio docs/oid-info.md).</summary>
    public const string FulcioIssuerV2 = "1.3.6.1.4.1.57264.1.8";

    /// <summary>RFC 8410 section 3: id-Ed25519; its AlgorithmIdentifier has no parameters.</summary>
    public const string Ed25519 = "1.3.101.112";

    /// <summary>RFC 5280 section 4.2.1.12: id-kp-codeSigning.</summary>
    public const string CodeSigning = "1.3.6.1.5.5.7.3.3";
}
