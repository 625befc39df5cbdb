namespace MpcSigning.AuthN.WebAuthn;

/// <summary>
/// Checks that bytes hold one well-formed CBOR data item (RFC 8949 section 3) and finds where it ends, without
/// interpreting it. authenticatorData embeds CBOR (the credential public key, the extension map) with no length
/// prefix, so the only way to find its end, and to refuse trailing garbage, is to walk the item. Indefinite
/// lengths are refused: CTAP2 canonical CBOR (CTAP 2.1 section 8, "Message Encoding") never produces them.
/// Pure, allocation-free; nesting is bounded so hostile input cannot exhaust the stack.
/// </summary>
internal static class CborWellFormed
{
    private const int MaxDepth = 16;

    public const int MajorMap = 5;

    /// <summary>
    /// Skips one data item starting at <paramref name="pos"/>. Returns false (and leaves pos unspecified) if the
    /// item is malformed, truncated, uses indefinite lengths or nests deeper than 16 levels.
    /// </summary>
    public static bool TrySkip(ReadOnlySpan<byte> data, ref int pos, out int majorType) => TrySkip(data, ref pos, 0, out majorType);

    private static bool TrySkip(ReadOnlySpan<byte> data, ref int pos, int depth, out int major)
    {
        major = -1;
        if (depth > MaxDepth || pos >= data.Length) return false;
        var initial = data[pos++];
        major = initial >> 5;
        if (!TryReadArgument(data, ref pos, initial & 0x1f, out var argument)) return false;
        switch (major)
        {
            case 0 or 1 or 7: // unsigned, negative, simple/float: the argument is the whole value
                return true;
            case 2 or 3: // byte string, text string: argument = length in bytes
                if (argument > (ulong)(data.Length - pos)) return false;
                pos += (int)argument;
                return true;
            case 4 or 5: // array of n items, map of n pairs; every item takes at least one byte
                var items = major == 5 ? argument * 2 : argument;
                if (argument > (ulong)(data.Length - pos) || items > (ulong)(data.Length - pos)) return false;
                for (ulong i = 0; i < items; i++)
                    if (!TrySkip(data, ref pos, depth + 1, out _)) return false;
                return true;
            default: // 6: tag, followed by exactly one item
                return TrySkip(data, ref pos, depth + 1, out _);
        }
    }

    /// <summary>RFC 8949 section 3: additional info 0-23 is the value, 24-27 announce 1/2/4/8 following bytes.</summary>
    private static bool TryReadArgument(ReadOnlySpan<byte> data, ref int pos, int info, out ulong value)
    {
        value = 0;
        if (info < 24) { value = (ulong)info; return true; }
        if (info > 27) return false; // 28-30 reserved, 31 indefinite length
        var n = 1 << (info - 24);
        if (data.Length - pos < n) return false;
        for (var i = 0; i < n; i++) value = (value << 8) | data[pos++];
        return true;
    }
}
