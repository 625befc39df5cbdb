using MpcSigning.Attestation.Report;

namespace MpcSigning.Attestation.Verification;

/// <summary>The outcome of verifying one report: Ok, or the first failure with its own code and message.</summary>
public sealed record AttestationVerdict(bool Ok, AttestationError Code, string Message, AttestationReport? Report)
{
    /// <summary>The product whose roots verified the report (Unknown when verification stopped earlier).</summary>
    public SevProduct Product { get; init; }

    /// <summary>The certificate kind that signed the report, when the chain was examined.</summary>
    public SigningKeyKind? SignerKind { get; init; }

    internal static AttestationVerdict Fail(AttestationError code, string message, AttestationReport? report = null) =>
        new(false, code, message, report);

    public override string ToString() => Ok ? "OK: " + Message : $"REJECTED ({Code}): {Message}";
}
