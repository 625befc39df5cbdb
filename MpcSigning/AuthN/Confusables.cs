using System.Globalization;

namespace MpcSigning.AuthN;

/// <summary>
/// The script checks behind "refuse mixed-script emails" (UTS #39 section 5.1, restricted to the scripts that are
/// confused with Latin in practice): every letter of an address must come from one script, and an address written
/// wholly in Cyrillic or Greek letters that all look like Latin ones (a whole-script confusable of a Latin address,
/// e.g. Cyrillic "аррӏе") is refused too.
/// </summary>
public static class Confusables
{
    // Cyrillic and Greek letters whose usual glyphs match a Latin letter (from UTS #39 confusables.txt).
    private const string LatinLookalikes = "аеорсухіјѕԁһӏԛԝвкмнтьзАВЕКМНОРСТХУІЈЅ" + "αοτυνικρχεΑΒΕΖΗΙΚΜΝΟΡΤΥΧ";

    public enum Script { None, Latin, Cyrillic, Greek, Other }

    public static Script Of(char c)
    {
        if (!char.IsLetter(c)) return Script.None;
        if (c < 0x250) return Script.Latin; // Basic Latin, Latin-1, Latin Extended-A/B
        if (c is >= '\u1E00' and <= '\u1EFF') return Script.Latin;
        if (c is >= '\u0370' and <= '\u03FF' or >= '\u1F00' and <= '\u1FFF') return Script.Greek;
        if (c is >= '\u0400' and <= '\u052F' or >= '\u2DE0' and <= '\u2DFF' or >= '\uA640' and <= '\uA69F') return Script.Cyrillic;
        return Script.Other;
    }

    /// <summary>Null when the text is single-script and not a whole-script Latin look-alike; else why not.</summary>
    public static string? Problem(string text)
    {
        var scripts = text.Select(Of).Where(s => s != Script.None).Distinct().ToArray();
        if (text.Any(c => char.IsSurrogate(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.NonSpacingMark))
            return "contains invisible, combining or non-BMP characters";
        if (scripts.Length > 1) return $"mixes letters of several scripts ({string.Join(", ", scripts)}), as look-alike addresses do";
        if (scripts is [Script.Other]) return null;
        if (scripts is [Script.Cyrillic or Script.Greek] && text.Where(char.IsLetter).All(c => LatinLookalikes.Contains(c)))
            return "is written in letters that all look like Latin ones (a look-alike of a Latin address)";
        return null;
    }
}
