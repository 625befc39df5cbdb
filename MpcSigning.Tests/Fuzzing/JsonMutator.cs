using System.Collections.Concurrent;
using System.Text;

namespace MpcSigning.Tests.Fuzzing;

/// <summary>
/// JSON-aware mutations: drop, duplicate (same or different value) and rename members and items; change a
/// value's type; huge, negative, fractional and out-of-range numbers; deep nesting; invalid UTF-8 and lone
/// surrogates inside strings; reordering and whitespace (meaning-preserving). Strings are mutated by what they
/// hold: base64 and hex are decoded, mutated as bytes (or, when they hold JSON or a signed note, as that) and
/// encoded again, so mutations reach the certificates, envelopes and notes nested inside a document.
/// </summary>
internal static class JsonMutator
{
    private static readonly ConcurrentDictionary<string, JDoc?> Nested = new();

    private static readonly byte[][] Alternatives =
    [
        .. new[]
        {
            "null", "true", "false", "0", "-1", "1", "1.5", "-0", "1e999", "-1e999", "1E2", "9223372036854775807", "9223372036854775808",
            "-9223372036854775809", "18446744073709551616", "4294967295", "4294967296", "0.000000000000000000001", "\"\"", "\"x\"",
            "\"0\"", "\"-1\"", "\"AAAA\"", "{}", "[]", "[null]", "{\"\":0}", "[[]]", "\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\u0000\"",
        }.Select(Encoding.UTF8.GetBytes),
        [(byte)'"', 0xFF, (byte)'"'],
        [(byte)'"', 0xC0, 0xAF, (byte)'"'],
        [(byte)'"', 0xED, 0xA0, 0x80, (byte)'"'],
        [(byte)'"', 0xE2, 0x82, (byte)'"'],
        [(byte)'"', 0x80, (byte)'"'],
        [(byte)'"', 0xF4, 0x90, 0x80, 0x80, (byte)'"'],
    ];

    /// <summary>A mutated document; sometimes meaning-preserving (reordered, spaced), usually not.</summary>
    public static byte[] Mutate(FuzzRng rng, JDoc doc, IReadOnlyList<byte[]>? corpus = null)
    {
        var mode = rng.Next(100);
        if (mode < 8) return ByteMutator.Mutate(rng, doc.Original, corpus);
        if (mode < 12) return MeaningPreserving(rng, doc);
        var edits = rng.Chance(0.8) ? 1 : 2;
        var bytes = doc.Write(Edit(rng, doc), spaced: rng.Chance(0.1));
        // A second edit is applied to the re-parsed result (when it is still JSON), so edits compose.
        if (edits == 2 && JDoc.TryParse(bytes) is { } again) bytes = again.Write(Edit(rng, again));
        return rng.Chance(0.08) ? ByteMutator.Mutate(rng, bytes, corpus) : bytes;
    }

    private static byte[] MeaningPreserving(FuzzRng rng, JDoc doc)
    {
        var objects = doc.Nodes.OfType<JObject>().Where(o => o.Members.Count > 1).ToArray();
        if (objects.Length == 0 || rng.Chance(0.3)) return doc.Write(null, spaced: true);
        var target = rng.Pick(objects);
        var order = Enumerable.Range(0, target.Members.Count).ToArray();
        for (var i = order.Length - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return doc.Write(new JEdit(target, JEditKind.Reorder, Order: order), spaced: rng.Chance(0.5));
    }

    private static JEdit Edit(FuzzRng rng, JDoc doc)
    {
        // Leaves are where the checks are; pick them three times as often as containers.
        JNode target;
        do target = rng.Pick(doc.Nodes);
        while (target is JObject or JArray && rng.Chance(0.66));
        if (ReferenceEquals(target, doc.Root)) return new JEdit(target, JEditKind.Replace, MutateValue(rng, target, doc));
        return rng.Next(100) switch
        {
            < 12 => new JEdit(target, JEditKind.Drop),
            < 20 => new JEdit(target, JEditKind.Duplicate, rng.Chance(0.6) ? MutateValue(rng, target, doc) : null, ValueFirst: rng.Chance(0.5)),
            < 25 => new JEdit(target, JEditKind.Rename, Key: RenameKey(rng, doc, target)),
            _ => new JEdit(target, JEditKind.Replace, MutateValue(rng, target, doc)),
        };
    }

    private static string RenameKey(FuzzRng rng, JDoc doc, JNode value)
    {
        var parent = doc.Nodes.OfType<JObject>().FirstOrDefault(o => o.Members.Any(m => ReferenceEquals(m.Value, value)));
        var key = parent?.Members.First(m => ReferenceEquals(m.Value, value)).Key ?? "x";
        return rng.Next(4) switch
        {
            0 => key.ToUpperInvariant(),
            1 => key + "\u0000",
            2 => parent is not null && parent.Members.Count > 1 ? rng.Pick(parent.Members).Key : key + "_",
            _ => TextMutator.MutateString(rng, key),
        };
    }

    /// <summary>Raw JSON replacing <paramref name="node"/>'s value.</summary>
    public static byte[] MutateValue(FuzzRng rng, JNode node, JDoc doc)
    {
        if (rng.Chance(0.2)) return rng.Pick(Alternatives);
        if (rng.Chance(0.02)) return DeepNesting(rng.Pick(new[] { 65, 300, 20000 }));
        return node switch
        {
            JString s => MutateString(rng, s.Value),
            JRaw r when r.Raw is "true" or "false" or "null" => Encoding.UTF8.GetBytes(rng.Pick(new[] { "true", "false", "null", "0", "\"true\"" })),
            JRaw r => Encoding.UTF8.GetBytes(MutateNumber(rng, r.Raw)),
            JObject or JArray when rng.Chance(0.5) => rng.Chance(0.5) ? "{}"u8.ToArray() : "[]"u8.ToArray(),
            // Another subtree of the same document in this place (e.g. one approval's fields in another's).
            _ => rng.Pick(doc.Nodes) is var other && !ReferenceEquals(other, doc.Root) ? JDoc.WriteNode(other) : "[]"u8.ToArray(),
        };
    }

    private static byte[] DeepNesting(int depth)
    {
        var b = new byte[2 * depth];
        b.AsSpan(0, depth).Fill((byte)'[');
        b.AsSpan(depth).Fill((byte)']');
        return b;
    }

    private static string MutateNumber(FuzzRng rng, string raw)
    {
        var isInt = long.TryParse(raw, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var v);
        return rng.Next(10) switch
        {
            0 when isInt => (v + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            1 when isInt => (v - 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            2 => "-" + raw.TrimStart('-'),
            3 => raw + ".0",
            4 => raw + "e0",
            5 => "\"" + raw + "\"",
            6 => raw + "0000000000000000000000",
            7 => "0" + raw,
            8 => "0",
            _ => rng.Pick(new[] { "2147483648", "-2147483649", "4294967296", "9223372036854775808", "1e308", "NaN", "Infinity" }),
        };
    }

    /// <summary>A string's mutated JSON literal, chosen by what the string holds.</summary>
    public static byte[] MutateString(FuzzRng rng, string s)
    {
        if (rng.Chance(0.06)) return InvalidUtf8Inside(rng, s);
        if (s.Contains("\n\n\u2014 ", StringComparison.Ordinal) && rng.Chance(0.8)) return JDoc.Quote(TextMutator.MutateNote(rng, s));
        if (IsHex(s) && rng.Chance(0.8))
        {
            var bytes = ByteMutator.Mutate(rng, Convert.FromHexString(s), maxLength: 4096);
            var hex = Convert.ToHexStringLower(bytes);
            return JDoc.Quote(rng.Chance(0.2) ? hex.ToUpperInvariant() : hex);
        }
        if (TryBase64(s, out var decoded, out var urlSafe) && rng.Chance(0.85))
        {
            byte[] mutated;
            if (NestedDoc(decoded) is { } nested && rng.Chance(0.6)) mutated = Mutate(rng, nested);
            else if (LooksLikeNote(decoded) && rng.Chance(0.6)) mutated = Encoding.UTF8.GetBytes(TextMutator.MutateNote(rng, Encoding.UTF8.GetString(decoded)));
            else mutated = ByteMutator.Mutate(rng, decoded, maxLength: 1 << 16);
            var text = Convert.ToBase64String(mutated);
            if (urlSafe || rng.Chance(0.1)) text = text.Replace('+', '-').Replace('/', '_');
            if (rng.Chance(0.1)) text = text.TrimEnd('=');
            if (rng.Chance(0.05)) text = TextMutator.DamageBase64(rng, text);
            return JDoc.Quote(text);
        }
        return JDoc.Quote(TextMutator.MutateString(rng, s));
    }

    private static byte[] InvalidUtf8Inside(FuzzRng rng, string s)
    {
        var q = JDoc.Quote(s);
        var at = rng.Next(1, q.Length);
        byte[] bad = rng.Pick(new byte[][] { [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0x80], [0xE2, 0x82], [0xF8, 0x88, 0x80, 0x80, 0x80] });
        return [.. q[..at], .. bad, .. q[at..]];
    }

    private static JDoc? NestedDoc(byte[] decoded)
    {
        var first = Array.FindIndex(decoded, b => b is not (0x20 or 0x0A or 0x0D or 0x09));
        if (first < 0 || decoded[first] is not ((byte)'{' or (byte)'[')) return null;
        return Nested.GetOrAdd(Convert.ToBase64String(decoded), _ => JDoc.TryParse(decoded));
    }

    private static bool LooksLikeNote(byte[] decoded) => decoded.AsSpan().IndexOf("\n\n\u2014 "u8) >= 0;

    private static bool IsHex(string s) => s.Length >= 2 && s.Length % 2 == 0 && s.All(char.IsAsciiHexDigit);

    private static bool TryBase64(string s, out byte[] bytes, out bool urlSafe)
    {
        bytes = [];
        urlSafe = s.IndexOfAny(['-', '_']) >= 0;
        if (s.Length < 4 || s.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' or '-' or '_'))) return false;
        var normal = s.Replace('-', '+').Replace('_', '/');
        normal = normal.PadRight(normal.Length + (4 - normal.Length % 4) % 4, '=');
        try
        {
            bytes = Convert.FromBase64String(normal);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
