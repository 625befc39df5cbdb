using System.Globalization;
using System.Text;

namespace MpcSigning.AuthN;

/// <summary>
/// Names and emails are data: before any of it reaches a terminal or a one-line error, control characters, format
/// characters (bidi overrides, zero-width joiners) and lone surrogates become \u{XXXX}, and it is cut to a bounded length.
/// </summary>
public static class Text
{
    public const int MaxPrinted = 120;

    public static string Printable(string? s)
    {
        if (string.IsNullOrEmpty(s)) return "";
        var b = new StringBuilder(Math.Min(s.Length, MaxPrinted) + 8);
        for (var i = 0; i < s.Length && b.Length < MaxPrinted; i++)
        {
            var c = s[i];
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                var cat = CharUnicodeInfo.GetUnicodeCategory(s, i);
                if (cat is UnicodeCategory.Format or UnicodeCategory.PrivateUse) b.Append($"\\u{{{char.ConvertToUtf32(c, s[i + 1]):X}}}");
                else b.Append(c).Append(s[i + 1]);
                i++;
                continue;
            }
            var category = char.GetUnicodeCategory(c);
            if (char.IsControl(c) || char.IsSurrogate(c) || category is UnicodeCategory.Format or UnicodeCategory.LineSeparator
                    or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse)
                b.Append($"\\u{{{(int)c:X4}}}");
            else if (c == '\\') b.Append("\\\\");
            else b.Append(c);
        }
        if (b.Length >= MaxPrinted && s.Length > MaxPrinted) b.Append("...");
        return b.ToString();
    }
}
