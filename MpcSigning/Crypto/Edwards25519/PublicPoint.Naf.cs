using System.Buffers.Binary;

namespace MpcSigning.Crypto.Edwards25519;

internal readonly partial struct PublicPoint
{
    /// <summary>
    /// Width-w non-adjacent form of a 256-bit little-endian scalar below 2^255: digits odd and below
    /// 2^(w-1) in absolute value, any w consecutive digits holding at most one non-zero, so that the
    /// value is the sum of digit_i * 2^i. Variable time (public scalars only).
    /// </summary>
    internal static sbyte[] Naf(ReadOnlySpan<byte> scalar, int width)
    {
        if (scalar.Length != 32 || (scalar[31] & 0x80) != 0)
            throw new ArgumentException("expected a 32-byte scalar below 2^255", nameof(scalar));
        Span<ulong> x = stackalloc ulong[5];
        for (var i = 0; i < 4; i++) x[i] = BinaryPrimitives.ReadUInt64LittleEndian(scalar[(8 * i)..]);
        x[4] = 0;
        var naf = new sbyte[256];
        var windowSize = 1UL << width;
        var windowMask = windowSize - 1;
        var carry = 0UL;
        var pos = 0;
        while (pos < 256)
        {
            int word = pos / 64, bit = pos % 64;
            var buffer = bit < 64 - width ? x[word] >> bit : (x[word] >> bit) | (x[word + 1] << (64 - bit));
            var window = carry + (buffer & windowMask);
            if ((window & 1) == 0)
            {
                // An even window starts no digit here; the carry rides along to the next position.
                pos++;
                continue;
            }
            if (window < windowSize / 2)
            {
                carry = 0;
                naf[pos] = (sbyte)window;
            }
            else
            {
                carry = 1;
                naf[pos] = (sbyte)((long)window - (long)windowSize);
            }
            pos += width;
        }
        return naf;
    }
}
