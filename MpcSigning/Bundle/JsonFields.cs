using System.Text.Json;

namespace MpcSigning.Bundle;

/// <summary>
/// Strict readers for JSON fields that fail with <see cref="BundleFormatException"/> naming the JSON path, what
/// was expected and what was found. Shared by the Sigstore, DSSE and in-toto readers.
/// </summary>
internal static class JsonFields
{
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8, string what)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException e)
        {
            throw new BundleFormatException(BundleErrorCode.MalformedJson,
                $"{what} is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}", e);
        }
        try
        {
            RequireText(doc.RootElement, what);
            return doc;
        }
        catch
        {
            doc.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Every string and property name must be Unicode text. The parser lets through invalid UTF-8 inside a string and
    /// an escaped unpaired surrogate ("\ud800"); reading either later throws where no reader expects it. Checked
    /// once here, so the error names the field.
    /// </summary>
    private static void RequireText(JsonElement el, string path)
    {
        switch (el.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in el.EnumerateObject())
                {
                    string name;
                    try { name = p.Name; }
                    catch (InvalidOperationException) { throw NotText($"a property name in {path}"); }
                    RequireText(p.Value, $"{path}.{name}");
                }
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in el.EnumerateArray()) RequireText(item, $"{path}[{i++}]");
                break;
            case JsonValueKind.String:
                try { el.GetString(); }
                catch (InvalidOperationException) { throw NotText(path); }
                break;
        }
    }

    private static BundleFormatException NotText(string where) => new(BundleErrorCode.MalformedJson,
        $"{where}: not valid Unicode text (invalid UTF-8, or an escaped unpaired surrogate).");

    public static JsonElement Object(JsonElement parent, string name, string path, BundleErrorCode code = BundleErrorCode.MalformedField)
    {
        var el = Required(parent, name, path, code);
        return Expect(el, JsonValueKind.Object, $"{path}.{name}", "an object", code);
    }

    public static JsonElement Array(JsonElement parent, string name, string path, BundleErrorCode code = BundleErrorCode.MalformedField)
    {
        var el = Required(parent, name, path, code);
        return Expect(el, JsonValueKind.Array, $"{path}.{name}", "an array", code);
    }

    public static string String(JsonElement parent, string name, string path, BundleErrorCode code = BundleErrorCode.MalformedField)
    {
        var el = Required(parent, name, path, code);
        return Text(Expect(el, JsonValueKind.String, $"{path}.{name}", "a string", code), $"{path}.{name}", code);
    }

    /// <summary>A JSON string's text; a string that decodes to no text (invalid UTF-8, an unpaired \ud800 escape) is refused.</summary>
    private static string Text(JsonElement el, string path, BundleErrorCode code)
    {
        try
        {
            return el.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new BundleFormatException(code, $"{path}: expected text; got a string that is not valid UTF-8 (or an unpaired surrogate escape).");
        }
    }

    /// <summary>A value's JSON text, to hand to another reader; refused when it is not valid UTF-8.</summary>
    public static string RawText(JsonElement el, string path, BundleErrorCode code = BundleErrorCode.MalformedField)
    {
        try
        {
            return el.GetRawText();
        }
        catch (InvalidOperationException)
        {
            throw new BundleFormatException(code, $"{path}: expected JSON text; it contains bytes that are not valid UTF-8.");
        }
    }

    public static int NonNegativeInt(JsonElement parent, string name, string path, BundleErrorCode code)
    {
        var el = Expect(Required(parent, name, path, code), JsonValueKind.Number, $"{path}.{name}", "a number", code);
        if (!el.TryGetInt32(out var v) || v < 0)
            throw new BundleFormatException(code, $"{path}.{name}: expected a non-negative integer; got {el.GetRawText()}.");
        return v;
    }

    /// <summary>Protobuf JSON bytes: standard or URL-safe base64, with or without padding (proto3 JSON mapping).</summary>
    public static byte[] Base64(JsonElement parent, string name, string path, BundleErrorCode code = BundleErrorCode.MalformedField)
    {
        var s = String(parent, name, path, code);
        var normal = s.Replace('-', '+').Replace('_', '/');
        normal = normal.PadRight(normal.Length + (4 - normal.Length % 4) % 4, '=');
        try
        {
            return Convert.FromBase64String(normal);
        }
        catch (FormatException)
        {
            throw new BundleFormatException(code, $"{path}.{name}: expected base64; got '{Abbreviate(s)}'.");
        }
    }

    /// <summary>Lowercase or uppercase hex of exactly <paramref name="size"/> bytes.</summary>
    public static byte[] Hex(JsonElement parent, string name, string path, int size, BundleErrorCode code)
    {
        var s = String(parent, name, path, code);
        try
        {
            var b = Convert.FromHexString(s);
            if (b.Length == size) return b;
        }
        catch (FormatException)
        {
        }
        throw new BundleFormatException(code, $"{path}.{name}: expected {size * 2} hex digits; got '{Abbreviate(s)}'.");
    }

    public static JsonElement Expect(JsonElement el, JsonValueKind kind, string path, string expected, BundleErrorCode code = BundleErrorCode.MalformedField) =>
        el.ValueKind == kind ? el : throw new BundleFormatException(code, $"{path}: expected {expected}; got {Describe(el)}.");

    private static JsonElement Required(JsonElement parent, string name, string path, BundleErrorCode code) =>
        Expect(parent, JsonValueKind.Object, path, "an object", code).TryGetProperty(name, out var el) && el.ValueKind != JsonValueKind.Null
            ? el
            : throw new BundleFormatException(code, $"{path}.{name}: missing; it is required.");

    private static string Describe(JsonElement el) => el.ValueKind switch
    {
        JsonValueKind.String => TryText(el) is { } text ? $"the string '{Abbreviate(text)}'" : "a string that is not valid UTF-8",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => el.GetRawText(),
    };

    private static string? TryText(JsonElement el)
    {
        try
        {
            return el.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static string Abbreviate(string s) => s.Length <= 40 ? s : s[..37] + "...";
}
