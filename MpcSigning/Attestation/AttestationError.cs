namespace MpcSigning.Attestation;

/// <summary>
/// Every way attestation can fail, one code per cause, so a verdict says exactly what was wrong.
/// Report* codes come from the parser, Chain*/Certificate* from the AMD chain, Policy-like codes from the
/// checks after the signature, Provider* from obtaining evidence, Config* from configuration.
/// </summary>
public enum AttestationError
{
    None = 0,

    // Parsing the ATTESTATION_REPORT (AMD SEV-SNP ABI, Table "ATTESTATION_REPORT Structure").
    ReportLength,
    ReportUnknownVersion,
    ReportReservedNonZero,
    ReportSignatureAlgorithm,
    ReportSigningKeyUnknown,

    // The report signature and the certificate chain.
    SignatureInvalid,
    CertificateMissing,
    CertificateMalformed,
    CertificateKeyType,
    CertificateNotValidAtTime,
    RootUntrusted,
    ChainNameMismatch,
    ChainSignatureInvalid,
    ProductMismatch,
    SignerKindMismatch,
    TcbExtensionMismatch,
    HwIdMismatch,

    // Policy checks on a correctly signed report.
    ReportVersionTooOld,
    DebugEnabled,
    MigrationAgentAllowed,
    SmtNotAllowed,
    AbiTooOld,
    VmplMismatch,
    TcbBelowMinimum,
    ProvisionalFirmware,

    /// <summary>A TCB order every genuine report keeps is broken: COMMITTED above CURRENT, or the certificate's TCB above CURRENT.</summary>
    TcbInconsistent,
    MeasurementMismatch,
    ReportDataMismatch,

    // Obtaining evidence and configuration.
    ProviderUnavailable,
    SevWithoutSnp,
    DeviceError,
    FirmwareError,
    CertificateTableMalformed,
    SimulationNotAllowed,
    ConfigInvalid,
}

/// <summary>
/// Raised by providers and configuration for failures outside pure verification (no device, firmware error,
/// bad configuration). <see cref="Exception.Message"/> is one line, safe to print without a stack trace.
/// </summary>
public sealed class AttestationException(AttestationError code, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public AttestationError Code { get; } = code;
}
