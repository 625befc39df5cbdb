using System.Text;

namespace MpcSigning.Tests.Fuzzing;

/// <summary>
/// Text mutations for line-oriented formats (signed notes, checkpoints) and for short strings: line drops,
/// duplicates, swaps and splits, whitespace and line-ending changes, look-alike characters, number and base64
/// damage inside a line, and byte-level damage of the UTF-8 (decoded back with replacement characters, as a file
/// read as text is).
/// </summary>
internal static class TextMutator
{
    private static readonly string[] Whitespace = [" ", "  ", "\t", "\r", "\u00a0", "\u2003", "\v", "\f", "\u0085"];
    private static readonly string[] Dashes = ["\u2014", "-", "\u2013", "\u2212", "--", "\u2014\u2014", ""];
    private static readonly string[] Odd = ["+", "=", "/", "_", "\0", "\u00e9", "\ufffd", "\u202e", "\U0001F600", "\\", "\"", "\u0661", "0", "-1"];

    public static string MutateNote(FuzzRng rng, string note)
    {
        var ops = rng.Small(4);
        for (var k = 0; k < ops; k++) note = MutateNoteOnce(rng, note);
        return note;
    }

    private static string MutateNoteOnce(FuzzRng rng, string note)
    {
        var lines = note.Split('\n').ToList(); // the last element is "" when the note ends in a newline
        var at = rng.Next(lines.Count);
        switch (rng.Next(16))
        {
            case 0: // drop a line
                lines.RemoveAt(at);
                break;
            case 1: // duplicate a line
                lines.Insert(at, lines[at]);
                break;
            case 2: // swap two lines
            {
                var other = rng.Next(lines.Count);
                (lines[at], lines[other]) = (lines[other], lines[at]);
                break;
            }
            case 3: // insert an empty line, or remove every blank separator
                if (rng.Chance(0.5)) lines.Insert(at, "");
                else lines = lines.Where((l, i) => l.Length > 0 || i == lines.Count - 1).ToList();
                break;
            case 4: // whitespace around or inside a line
                lines[at] = rng.Next(3) switch
                {
                    0 => rng.Pick(Whitespace) + lines[at],
                    1 => lines[at] + rng.Pick(Whitespace),
                    _ => Insert(rng, lines[at], rng.Pick(Whitespace)),
                };
                break;
            case 5: // line endings: CRLF everywhere, a final newline removed or doubled
                return rng.Next(3) switch
                {
                    0 => note.Replace("\n", "\r\n"),
                    1 => note.TrimEnd('\n'),
                    _ => note + "\n",
                };
            case 6: // the signature dash and its space
                lines[at] = lines[at].StartsWith('\u2014') ? rng.Pick(Dashes) + lines[at][1..] : lines[at].Replace("\u2014 ", "\u2014" + rng.Pick(Whitespace));
                break;
            case 7: // damage the base64 at the end of a line
                lines[at] = DamageBase64Tail(rng, lines[at]);
                break;
            case 8: // the number on a line (the checkpoint size)
                lines[at] = MutateNumberText(rng, lines[at]);
                break;
            case 9: // a look-alike or odd character
                lines[at] = Insert(rng, lines[at], rng.Pick(Odd));
                break;
            case 10: // a character changed or removed
                lines[at] = MutateString(rng, lines[at]);
                break;
            case 11: // a line copied from another position (e.g. a signature line into the body)
                lines.Insert(rng.Next(lines.Count + 1), rng.Pick(lines));
                break;
            case 12: // lines cut at a random point
                return note[..rng.Next(note.Length + 1)];
            case 13: // a foreign signature line with a valid shape
                lines.Insert(Math.Max(0, lines.Count - 1), $"\u2014 {rng.Pick(new[] { "example.com/log", "x", "a+b", "", "name with space" })} " +
                    Convert.ToBase64String(rng.Bytes(rng.Pick(new[] { 68, 4, 5, 0, 100 }))));
                break;
            case 14: // byte damage in the UTF-8, read back as text with replacement characters
                return Encoding.UTF8.GetString(ByteMutator.Mutate(rng, Encoding.UTF8.GetBytes(note)));
            default: // a huge line
                lines[at] = lines[at] + new string(rng.Chance(0.5) ? 'A' : '9', rng.Pick(new[] { 100, 5000, 70000 }));
                break;
        }
        return string.Join('\n', lines);
    }

    /// <summary>Mutations of a short string: case, insertion, deletion, truncation, emptiness, repetition.</summary>
    public static string MutateString(FuzzRng rng, string s)
    {
        if (s.Length == 0) return rng.Pick(Odd);
        var at = rng.Next(s.Length);
        return rng.Next(9) switch
        {
            0 => s[..at] + s[(at + 1)..],
            1 => s[..at] + (char)(s[at] ^ (1 << rng.Next(7))) + s[(at + 1)..],
            2 => Insert(rng, s, rng.Pick(Odd)),
            3 => s[..at],
            4 => "",
            5 => char.IsUpper(s[at]) ? s.ToLowerInvariant() : s.ToUpperInvariant(),
            6 => s + s,
            7 => s[..at] + rng.Pick(Whitespace) + s[at..],
            _ => new string(s[at], rng.Pick(new[] { 1, 64, 4096 })) + s,
        };
    }

    /// <summary>Damage to the trailing base64 token of a line: padding, alphabet, a bad character, truncation.</summary>
    public static string DamageBase64Tail(FuzzRng rng, string line)
    {
        var space = line.LastIndexOf(' ');
        var head = space < 0 ? "" : line[..(space + 1)];
        var b64 = space < 0 ? line : line[(space + 1)..];
        return head + DamageBase64(rng, b64);
    }

    public static string DamageBase64(FuzzRng rng, string b64)
    {
        if (b64.Length == 0) return "AAAA";
        var at = rng.Next(b64.Length);
        return rng.Next(8) switch
        {
            0 => b64.TrimEnd('='),
            1 => b64 + "=",
            2 => b64.Replace('+', '-').Replace('/', '_'),
            3 => b64[..at] + rng.Pick(new[] { "*", "!", " ", "=", "\u00e9", "A" }) + b64[(at + 1)..],
            4 => b64[..at],
            5 => b64[..at] + b64[(at + 1)..],
            6 => b64 + b64,
            _ => b64[..at] + (char)(b64[at] ^ 1) + b64[(at + 1)..],
        };
    }

    private static string MutateNumberText(FuzzRng rng, string line)
    {
        if (line.Length is 0 or > 20 || !line.All(char.IsAsciiDigit)) return rng.Pick(new[] { "0", "1", "-1", "" }) + line;
        var v = decimal.Parse(line, System.Globalization.CultureInfo.InvariantCulture);
        return rng.Next(8) switch
        {
            0 => (v + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            1 => (v - 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            2 => "0" + line,
            3 => "-" + line,
            4 => "+" + line,
            5 => "9223372036854775808",
            6 => "99999999999999999999999999",
            _ => line + ".0",
        };
    }

    private static string Insert(FuzzRng rng, string s, string what)
    {
        var at = rng.Next(s.Length + 1);
        return s[..at] + what + s[at..];
    }
}
