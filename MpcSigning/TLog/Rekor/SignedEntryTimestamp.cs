namespace MpcSigning.TLog.Rekor;

/// <summary>
/// Rekor's signed entry timestamp (the bundle's inclusionPromise): the log key's signature over canonical JSON
/// {"body":base64(body),"integratedTime":N,"logID":hex(logId),"logIndex":N}, keys in sorted order, exactly
/// what @sigstore/verify's tlog/set.ts rebuilds.
/// </summary>
public static class SignedEntryTimestamp
{
    public static byte[] Payload(ReadOnlySpan<byte> canonicalBody, long integratedTime, ReadOnlySpan<byte> logId, long logIndex) =>
        new CanonicalJson().Raw("{")
            .Key("body").String(Convert.ToBase64String(canonicalBody)).Raw(",")
            .Key("integratedTime").Number(integratedTime).Raw(",")
            .Key("logID").String(Convert.ToHexStringLower(logId)).Raw(",")
            .Key("logIndex").Number(logIndex).Raw("}")
            .ToUtf8();

    public static byte[] Sign(Crypto.SecretBytes logKey, ReadOnlySpan<byte> canonicalBody, long integratedTime, ReadOnlySpan<byte> logId, long logIndex) =>
        Crypto.Ed25519.Sign(logKey, Payload(canonicalBody, integratedTime, logId, logIndex));

    /// <summary>Pure; false for any bad signature or key.</summary>
    public static bool Verify(ReadOnlySpan<byte> logPublicKey, byte[] set, ReadOnlySpan<byte> canonicalBody, long integratedTime,
        ReadOnlySpan<byte> logId, long logIndex) =>
        Crypto.Ed25519.Verify(logPublicKey, Payload(canonicalBody, integratedTime, logId, logIndex), set);
}
