using System.Buffers;
using System.Buffers.Text;

namespace MpcSigning.TLog.Rekor;

/// <summary>
/// Rekor's signed entry timestamp (the bundle's inclusionPromise): the log key's signature over canonical JSON
/// {"body":base64(body),"integratedTime":N,"logID":hex(logId),"logIndex":N}, keys in sorted order, exactly
/// what @sigstore/verify's tlog/set.ts rebuilds.
/// </summary>
public static class SignedEntryTimestamp
{
    // RFC 8785 section 3.2.2.2 escapes only '"', '\' and control characters: base64, lower-case hex and
    // decimal digits contain none of them, so the payload is written straight to UTF-8 without an escaper.
    private static ReadOnlySpan<byte> BodyKey => "{\"body\":\""u8;
    private static ReadOnlySpan<byte> TimeKey => "\",\"integratedTime\":"u8;
    private static ReadOnlySpan<byte> LogIdKey => ",\"logID\":\""u8;
    private static ReadOnlySpan<byte> IndexKey => "\",\"logIndex\":"u8;
    private const int MaxDigits = 20; // "-9223372036854775808"

    public static byte[] Payload(ReadOnlySpan<byte> canonicalBody, long integratedTime, ReadOnlySpan<byte> logId, long logIndex)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxLength(canonicalBody.Length, logId.Length));
        try
        {
            return buffer.AsSpan(0, Write(buffer, canonicalBody, integratedTime, logId, logIndex)).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static byte[] Sign(NSec.Cryptography.Key logKey, ReadOnlySpan<byte> canonicalBody, long integratedTime, ReadOnlySpan<byte> logId, long logIndex)
    {
        // Signed once per append on the callers' threads: a pooled buffer keeps the payload off the GC heap.
        var buffer = ArrayPool<byte>.Shared.Rent(MaxLength(canonicalBody.Length, logId.Length));
        try
        {
            return Crypto.Ed25519.Sign(logKey, buffer.AsSpan(0, Write(buffer, canonicalBody, integratedTime, logId, logIndex)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Pure; false for any bad signature or key.</summary>
    public static bool Verify(ReadOnlySpan<byte> logPublicKey, byte[] set, ReadOnlySpan<byte> canonicalBody, long integratedTime,
        ReadOnlySpan<byte> logId, long logIndex) =>
        Crypto.Ed25519.Verify(logPublicKey, Payload(canonicalBody, integratedTime, logId, logIndex), set);

    private static int MaxLength(int bodyLength, int logIdLength) =>
        BodyKey.Length + Base64.GetMaxEncodedToUtf8Length(bodyLength) + TimeKey.Length + MaxDigits
        + LogIdKey.Length + 2 * logIdLength + IndexKey.Length + MaxDigits + 1;

    private static int Write(Span<byte> d, ReadOnlySpan<byte> body, long integratedTime, ReadOnlySpan<byte> logId, long logIndex)
    {
        var n = Put(d, 0, BodyKey);
        Base64.EncodeToUtf8(body, d[n..], out _, out var written);
        n += written;
        n = Put(d, n, TimeKey);
        n += Digits(d[n..], integratedTime);
        n = Put(d, n, LogIdKey);
        for (var i = 0; i < logId.Length; i++)
        {
            d[n++] = Hex(logId[i] >> 4);
            d[n++] = Hex(logId[i] & 0xf);
        }
        n = Put(d, n, IndexKey);
        n += Digits(d[n..], logIndex);
        d[n++] = (byte)'}';
        return n;
    }

    private static int Put(Span<byte> d, int at, ReadOnlySpan<byte> s)
    {
        s.CopyTo(d[at..]);
        return at + s.Length;
    }

    private static int Digits(Span<byte> d, long value) =>
        Utf8Formatter.TryFormat(value, d, out var written) ? written : throw new InvalidOperationException("payload buffer too small");

    private static byte Hex(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
}
