using MpcSigning.TLog.Checkpoints;
using MpcSigning.TLog.Merkle;

namespace MpcSigning.TLog.Rekor;

/// <summary>The verdict on a bundle's log entry: valid, or the first thing found wrong.</summary>
public sealed record TlogVerification(bool IsValid, TLogErrorCode? Code, string Detail)
{
    public static TlogVerification Ok { get; } = new(true, null, "");

    public static TlogVerification Fail(TLogErrorCode code, string detail) => new(false, code, detail);
}

/// <summary>
/// Offline verification of one tlog entry against the trusted log key. Pure: no I/O, clock or configuration.
/// Checks, in order: body equals the expected body, kind/version, log ID, signed entry timestamp, checkpoint
/// signature, checkpoint agrees with the proof, and the RFC 9162 inclusion proof.
/// </summary>
public static class TlogEntryVerifier
{
    /// <param name="keyName">When given, the checkpoint must carry a line with this name (C2SP hint or Sigstore hint);
    /// without it, a line of either form by the log key (see <see cref="CheckpointSigner.Verify"/>).</param>
    public static TlogVerification Verify(TlogEntry entry, ReadOnlySpan<byte> logPublicKey, ReadOnlySpan<byte> expectedCanonicalBody, string? keyName = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var r = entry.Receipt;
        if (!entry.CanonicalBody.AsSpan().SequenceEqual(expectedCanonicalBody))
            return TlogVerification.Fail(TLogErrorCode.BodyMismatch, "the logged body differs from the body rebuilt from the envelope and certificate");
        if (entry.Kind != RekorDsseBody.Kind || entry.Version != RekorDsseBody.ApiVersion)
            return TlogVerification.Fail(TLogErrorCode.MalformedEntry, $"kindVersion is {entry.Kind}/{entry.Version}; want dsse/0.0.1");
        var logId = Crypto.Hashes.Sha256(LogKey.SpkiOf(logPublicKey));
        if (!logId.AsSpan().SequenceEqual(r.LogId))
            return TlogVerification.Fail(TLogErrorCode.UnknownLog, $"entry names log {Convert.ToHexStringLower(r.LogId)}; the trusted log is {Convert.ToHexStringLower(logId)}");
        if (!SignedEntryTimestamp.Verify(logPublicKey, r.SignedEntryTimestamp, entry.CanonicalBody, r.IntegratedTime, logId, r.LogIndex))
            return TlogVerification.Fail(TLogErrorCode.InvalidSignedEntryTimestamp, $"signed entry timestamp of entry {r.LogIndex} does not verify with the log key");
        var cp = CheckpointSigner.Verify(r.SignedCheckpoint, logPublicKey, keyName, out var code, out var error);
        if (cp is null) return TlogVerification.Fail(code, error);
        var p = r.InclusionProof;
        if (cp.Size != p.TreeSize || !cp.RootHash.AsSpan().SequenceEqual(p.RootHash))
            return TlogVerification.Fail(TLogErrorCode.InvalidCheckpoint, $"checkpoint is for size {cp.Size}, proof for size {p.TreeSize} (or their roots differ)");
        if (p.LogIndex != r.LogIndex)
            return TlogVerification.Fail(TLogErrorCode.InvalidInclusionProof, $"proof is for index {p.LogIndex}, entry is {r.LogIndex}");
        var verdict = MerkleProofs.VerifyInclusion(p.LogIndex, p.TreeSize, Rfc9162.HashLeaf(entry.CanonicalBody), p.Hashes, cp.RootHash);
        return verdict.IsValid ? TlogVerification.Ok : TlogVerification.Fail(TLogErrorCode.InvalidInclusionProof, verdict.ToString());
    }
}
