using System.Text;
using System.Text.Json;

namespace MpcSigning.AuthN.WebAuthn;

/// <summary>
/// The members of CollectedClientData (WebAuthn L3 section 5.8.1) the relying party checks. Parsed from the exact
/// clientDataJSON bytes that were signed (through their SHA-256). Members other than these are ignored, as the
/// spec requires (section 5.8.1: "relying parties ... MUST ignore unknown keys"), but a checked member appearing
/// twice is refused: two readers could otherwise see two different challenges in the same signed bytes.
/// </summary>
public sealed record ClientData(string Type, string Challenge, string Origin, bool CrossOrigin, string? TopOrigin)
{
    public const string AssertionType = "webauthn.get";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Section 7.2 steps 9-10: UTF-8 decode, then parse as a JSON object.</summary>
    public static ClientData? Parse(ReadOnlySpan<byte> json, out AuthNError code, out string message)
    {
        code = AuthNError.None;
        message = "";
        try
        {
            _ = StrictUtf8.GetCharCount(json);
        }
        catch (DecoderFallbackException)
        {
            (code, message) = (AuthNError.ClientDataNotUtf8,
                "clientDataJSON is not valid UTF-8 (WebAuthn L3 section 7.2 step 9); send the bytes the browser produced, unmodified.");
            return null;
        }
        try
        {
            return ParseObject(json, out code, out message);
        }
        catch (JsonException e)
        {
            (code, message) = (AuthNError.ClientDataMalformed,
                $"clientDataJSON is not valid JSON ({e.Message}); send the bytes the browser produced, unmodified.");
            return null;
        }
        catch (InvalidOperationException)
        {
            // An escape such as \ud800 is valid JSON in valid UTF-8 but names no character (an unpaired surrogate).
            (code, message) = (AuthNError.ClientDataMalformed,
                "clientDataJSON holds a name or string with an unpaired surrogate escape (such as \\ud800), which is no text; " +
                "send the bytes the browser produced, unmodified.");
            return null;
        }
    }

    private static ClientData? ParseObject(ReadOnlySpan<byte> json, out AuthNError code, out string message)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
        using var doc = JsonDocument.ParseValue(ref reader);
        if (json[(int)reader.BytesConsumed..].IndexOfAnyExcept(" \t\r\n"u8) >= 0) throw new JsonException("bytes follow the JSON object");
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new JsonException("the top-level value is not an object");
        string? type = null, challenge = null, origin = null, topOrigin = null;
        bool? crossOrigin = null;
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            var ok = p.Name switch
            {
                "type" => SetString(p.Value, ref type),
                "challenge" => SetString(p.Value, ref challenge),
                "origin" => SetString(p.Value, ref origin),
                "topOrigin" => SetString(p.Value, ref topOrigin),
                "crossOrigin" => SetBool(p.Value, ref crossOrigin),
                _ => true,
            };
            if (!ok)
                return Malformed($"member '{p.Name}' appears twice or has the wrong JSON type", out code, out message);
        }
        if (type is null || challenge is null || origin is null)
            return Malformed("one of the required string members type, challenge, origin is missing", out code, out message);
        (code, message) = (AuthNError.None, "");
        return new ClientData(type, challenge, origin, crossOrigin ?? false, topOrigin);
    }

    private static bool SetString(JsonElement v, ref string? slot)
    {
        if (slot is not null || v.ValueKind != JsonValueKind.String) return false;
        slot = v.GetString();
        return true;
    }

    private static bool SetBool(JsonElement v, ref bool? slot)
    {
        if (slot is not null || v.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) return false;
        slot = v.GetBoolean();
        return true;
    }

    private static ClientData? Malformed(string what, out AuthNError code, out string message)
    {
        (code, message) = (AuthNError.ClientDataMalformed,
            $"clientDataJSON is malformed: {what} (WebAuthn L3 section 5.8.1); send the bytes the browser produced, unmodified.");
        return null;
    }
}
