using System.Buffers.Binary;

namespace MpcSigning.Tests.Fuzzing;

/// <summary>
/// Binary mutations in the style of AFL/libFuzzer: bit flips, byte sets to interesting values, arithmetic,
/// interesting 16/32/64-bit integers, runs of random bytes, truncation, extension, insertion, deletion,
/// duplication and splices with other corpus inputs. Stacks one or more of them.
/// </summary>
internal static class ByteMutator
{
    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x02, 0x7F, 0x80, 0x81, 0xFE, 0xFF, 0x20, 0x0A, 0x22, 0x5C, 0x30, 0x39];

    private static readonly ulong[] InterestingInts =
    [
        0, 1, 2, 3, 4, 5, 7, 8, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
        0x100000000, 0x7FFFFFFFFFFFFFFF, 0x8000000000000000, ulong.MaxValue, 0x4A0, 0x2A0,
    ];

    /// <summary>Applies a small stack of mutations; the result differs from the input or is the input truncated/extended.</summary>
    public static byte[] Mutate(FuzzRng rng, byte[] input, IReadOnlyList<byte[]>? corpus = null, int maxLength = 1 << 20)
    {
        var b = new List<byte>(input);
        var ops = rng.Small(6);
        for (var k = 0; k < ops; k++) MutateOnce(rng, b, corpus);
        if (b.Count > maxLength) b.RemoveRange(maxLength, b.Count - maxLength);
        return [.. b];
    }

    /// <summary>Mutations that keep the length and only touch bytes in [start, end): for fixed-layout structures.</summary>
    public static byte[] MutateInPlace(FuzzRng rng, byte[] input, int start, int end)
    {
        var b = (byte[])input.Clone();
        var ops = rng.Small(4);
        for (var k = 0; k < ops; k++)
        {
            var at = rng.Next(start, end);
            switch (rng.Next(5))
            {
                case 0: b[at] ^= (byte)(1 << rng.Next(8)); break;
                case 1: b[at] = rng.Pick(InterestingBytes); break;
                case 2: b[at] = rng.Byte(); break;
                case 3:
                    var len = Math.Min(rng.Next(1, 17), end - at);
                    rng.Fill(b.AsSpan(at, len));
                    break;
                default:
                    var w = rng.Pick(new[] { 2, 4, 8 });
                    if (at + w <= end) WriteInt(b.AsSpan(at, w), rng.Pick(InterestingInts), rng.Chance(0.5));
                    else b[at] = (byte)(b[at] + rng.Next(-4, 5));
                    break;
            }
        }
        return b;
    }

    private static void MutateOnce(FuzzRng rng, List<byte> b, IReadOnlyList<byte[]>? corpus)
    {
        if (b.Count == 0)
        {
            b.AddRange(rng.Bytes(rng.Next(1, 9)));
            return;
        }
        var at = rng.Next(b.Count);
        switch (rng.Next(14))
        {
            case 0 or 1: // bit flip
                b[at] ^= (byte)(1 << rng.Next(8));
                break;
            case 2: // interesting byte
                b[at] = rng.Pick(InterestingBytes);
                break;
            case 3: // random byte
                b[at] = rng.Byte();
                break;
            case 4: // small arithmetic
                b[at] = (byte)(b[at] + rng.Next(-8, 9));
                break;
            case 5: // interesting integer, either endianness
            {
                var w = rng.Pick(new[] { 1, 2, 4, 8 });
                if (at + w > b.Count) break;
                Span<byte> tmp = stackalloc byte[8];
                WriteInt(tmp[..w], rng.Pick(InterestingInts), rng.Chance(0.5));
                for (var i = 0; i < w; i++) b[at + i] = tmp[i];
                break;
            }
            case 6: // run of random bytes
                for (int i = at, end = Math.Min(b.Count, at + rng.Next(1, 33)); i < end; i++) b[i] = rng.Byte();
                break;
            case 7: // truncate: anywhere, or a few bytes off the end
            {
                var keep = rng.Chance(0.5) ? at : Math.Max(0, b.Count - rng.Next(1, 9));
                b.RemoveRange(keep, b.Count - keep);
                break;
            }
            case 8: // extend: zeros, random bytes or a copy of the tail
                b.AddRange(rng.Next(3) switch
                {
                    0 => new byte[rng.Next(1, 65)],
                    1 => rng.Bytes(rng.Next(1, 65)),
                    _ => b.GetRange(at, Math.Min(b.Count - at, rng.Next(1, 65))).ToArray(),
                });
                break;
            case 9: // insert random or interesting bytes
                b.InsertRange(at, rng.Chance(0.5) ? rng.Bytes(rng.Small(16)) : Enumerable.Repeat(rng.Pick(InterestingBytes), rng.Small(16)));
                break;
            case 10: // delete a run
                b.RemoveRange(at, Math.Min(b.Count - at, rng.Small(32)));
                break;
            case 11: // duplicate a run elsewhere
            {
                var run = b.GetRange(at, Math.Min(b.Count - at, rng.Small(64)));
                b.InsertRange(rng.Next(b.Count + 1), run);
                break;
            }
            case 12: // overwrite with a run copied from elsewhere in the input
            {
                var from = rng.Next(b.Count);
                var len = Math.Min(rng.Small(32), Math.Min(b.Count - from, b.Count - at));
                var run = b.GetRange(from, len);
                for (var i = 0; i < len; i++) b[at + i] = run[i];
                break;
            }
            default: // splice with another corpus input: our head, their tail
            {
                if (corpus is not { Count: > 0 }) goto case 3;
                var other = rng.Pick(corpus);
                if (other.Length == 0) break;
                var cut = rng.Chance(0.5) ? Math.Min(at, other.Length) : rng.Next(other.Length);
                b.RemoveRange(at, b.Count - at);
                b.AddRange(other.AsSpan(cut).ToArray());
                break;
            }
        }
    }

    private static void WriteInt(Span<byte> dest, ulong value, bool bigEndian)
    {
        Span<byte> tmp = stackalloc byte[8];
        if (bigEndian) BinaryPrimitives.WriteUInt64BigEndian(tmp, value << (8 * (8 - dest.Length)));
        else BinaryPrimitives.WriteUInt64LittleEndian(tmp, value);
        tmp[..dest.Length].CopyTo(dest);
    }
}
