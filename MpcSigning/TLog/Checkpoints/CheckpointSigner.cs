namespace MpcSigning.TLog.Checkpoints;

/// <summary>
/// Signs checkpoints with the log key twice: one line hinted with the C2SP key ID (witnesses, C2SP and
/// sumdb verifiers), one hinted with the log ID's first 4 bytes (Sigstore verifiers look the log up by that
/// hint and match the line's name against the log's baseUrl).
/// </summary>
public static class CheckpointSigner
{
    public static uint SigstoreHint(ReadOnlySpan<byte> logId) => System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(logId);

    public static string Sign(Checkpoint checkpoint, LogKey key, string keyName) =>
        SignedNote.Sign(checkpoint.ToNoteText(),
            new NoteSigner(keyName, NoteKey.ComputeKeyId(keyName, key.PublicKey), key.SecretKey),
            new NoteSigner(keyName, SigstoreHint(key.LogId), key.SecretKey));

    /// <summary>
    /// Pure check of a log checkpoint: at least one line signed by <paramref name="publicKey"/> in either documented
    /// form, the C2SP signed-note line (hint = the key ID of the line's name and this key) or the Sigstore line
    /// (hint = the log ID's first 4 bytes). With <paramref name="keyName"/> the line must also carry that name;
    /// without it (trust from a TrustedRoot, which names no key) any name. The one checkpoint rule: the log's own
    /// recovery, bundle verification (node or TrustedRoot trust) and 'tlog verify-consistency' all call this.
    /// Returns the parsed checkpoint, or null with the reason.
    /// </summary>
    public static Checkpoint? Verify(string signedNote, ReadOnlySpan<byte> publicKey, string? keyName, out TLogErrorCode code, out string error)
    {
        code = TLogErrorCode.InvalidCheckpoint;
        var note = SignedNote.TryParse(signedNote, out error);
        if (note is null) return null;
        var cp = Checkpoint.TryParse(note.Text, out error);
        if (cp is null) return null;
        var logIdHint = SigstoreHint(Crypto.Hashes.Sha256(LogKey.SpkiOf(publicKey)));
        var data = System.Text.Encoding.UTF8.GetBytes(note.Text);
        foreach (var s in note.Signatures)
        {
            if (keyName is not null && s.Name != keyName) continue;
            var hinted = s.KeyHint == logIdHint || s.KeyHint == NoteKey.ComputeKeyId(s.Name, publicKey);
            if (hinted && Crypto.Ed25519.Verify(publicKey, data, s.Signature)) return cp;
        }
        code = TLogErrorCode.InvalidCheckpointSignature;
        error = $"checkpoint for '{cp.Origin}' size {cp.Size} has no valid signature by the log key" + (keyName is null ? "" : $" named '{keyName}'");
        return null;
    }
}
