using System.Buffers.Text;
using System.Formats.Cbor;
using System.Text;
using System.Text.Json;
using MpcSigning.Crypto;

namespace MpcSigning.AuthN.WebAuthn;

/// <summary>
/// What mpcsign demands of the signed bytes beyond Fido2, so that a recorded approval has one reading only: Fido2
/// decodes the challenge leniently (padding, so "x=" equals "x"), compares it with SequenceEqual, keeps the last of
/// duplicated members, does not check that clientDataJSON is valid UTF-8 throughout, and accepts an extension
/// "map" that is not a definite-length CBOR map; and it accepts a cross-origin ceremony without a topOrigin, and a
/// topOrigin as the origin (one list for both), and it compares origins after System.Uri normalization. Each check here is done with the platform's readers
/// (System.Text.Json, System.Formats.Cbor).
/// </summary>
internal static class StrictEncoding
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Section 7.2 steps 9-14, strictly: UTF-8, one JSON object with no member twice, C.challenge exactly the
    /// unpadded base64url text of <paramref name="expectedChallenge"/> (compared in constant time), and a framed
    /// ceremony only with crossOrigin true and a configured topOrigin. Null when acceptable.
    /// </summary>
    public static AssertionResult? CheckClientData(ReadOnlySpan<byte> json, byte[] expectedChallenge, RelyingParty rp)
    {
        try
        {
            _ = Utf8.GetCharCount(json);
        }
        catch (DecoderFallbackException)
        {
            return AssertionResult.Fail(AuthNError.ClientDataNotUtf8,
                "clientDataJSON is not valid UTF-8 (section 7.2 step 9); send the bytes the browser produced, unmodified.");
        }
        string? challenge, origin, topOrigin;
        bool crossOrigin;
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { AllowDuplicateProperties = false });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return Malformed("it is not a JSON object");
            challenge = root.TryGetProperty("challenge", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            origin = root.TryGetProperty("origin", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
            var hasCross = root.TryGetProperty("crossOrigin", out var x);
            if (hasCross && x.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                return Malformed("crossOrigin is not true or false");
            crossOrigin = hasCross && x.ValueKind == JsonValueKind.True;
            var hasTop = root.TryGetProperty("topOrigin", out var t);
            if (hasTop && t.ValueKind != JsonValueKind.String)
                return Malformed("topOrigin is not a string");
            topOrigin = hasTop ? t.GetString() : null;
        }
        catch (JsonException)
        {
            return Malformed("it is not one JSON object with each member once");
        }
        catch (InvalidOperationException)
        {
            return Malformed("it holds a string that is not valid Unicode");
        }
        if (challenge is null) return Malformed("it has no string member 'challenge'");
        // Step 12 on the canonical text in constant time: no lenient decoding (padding, '+/', trailing bits) can make
        // two different strings match.
        if (!Hashes.FixedTimeEquals(Encoding.UTF8.GetBytes(challenge), Encoding.ASCII.GetBytes(Base64Url.EncodeToString(expectedChallenge))))
            return AssertionResult.Fail(AuthNError.ChallengeMismatch,
                "clientDataJSON.challenge is not this session's challenge (section 7.2 step 12): the assertion was made for another " +
                "session or artifact. Approve again from the current request.");
        // Step 14: a framed ceremony only from a configured top-level origin, and never with a top origin as the origin.
        if ((crossOrigin || topOrigin is not null) &&
            !(crossOrigin && topOrigin is not null && rp.AllowedTopOrigins.Contains(topOrigin, StringComparer.Ordinal)))
            return AssertionResult.Fail(AuthNError.CrossOriginNotAllowed,
                $"the approval ran in a cross-origin frame (crossOrigin {crossOrigin}, topOrigin '{Passkeys.Fido2Errors.Clip(topOrigin ?? "")}') " +
                "that the relying party does not expect (section 7.2 step 14); open the approval page directly.");
        // Step 13 exactly: Fido2 compares origins after System.Uri has normalized them, which drops default ports and
        // even bidi control characters ("https://mpc\u202Esign.local" passed), and it puts top origins in the same list.
        if (origin is null || !rp.AllowedOrigins.Contains(origin, StringComparer.Ordinal))
            return AssertionResult.Fail(AuthNError.OriginNotAllowed,
                $"clientDataJSON.origin '{Passkeys.Fido2Errors.Clip(origin ?? "")}' is not an allowed origin of relying party '{rp.RpId}' " +
                $"(section 7.2 step 13); approve from {string.Join(" or ", rp.AllowedOrigins)}.");
        return null;
    }

    /// <summary>
    /// Section 6.1: when ED is set, the extensions are one definite-length CBOR map. Fido2 re-encodes what it read, so
    /// the bytes are taken from the signed authenticatorData: after the 37-byte header and, if AT is set, the attested
    /// credential data (AAGUID, id length, id, COSE key). Call only for authenticatorData Fido2 has parsed. Null when acceptable.
    /// </summary>
    public static AssertionResult? CheckExtensions(ReadOnlyMemory<byte> authenticatorData, bool attested)
    {
        try
        {
            var start = 37;
            if (attested)
            {
                start += 16;
                var idLength = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(authenticatorData.Span[start..]);
                start += 2 + idLength;
                var key = new CborReader(authenticatorData[start..], CborConformanceMode.Lax, allowMultipleRootLevelValues: true);
                key.SkipValue();
                start = authenticatorData.Length - key.BytesRemaining;
            }
            var r = new CborReader(authenticatorData[start..], CborConformanceMode.Strict);
            if (r.PeekState() == CborReaderState.StartMap && r.ReadStartMap() is not null)
            {
                while (r.PeekState() != CborReaderState.EndMap) r.SkipValue();
                r.ReadEndMap();
                if (r.BytesRemaining == 0) return null;
            }
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or ArgumentOutOfRangeException)
        {
            // Falls through to the refusal.
        }
        return AssertionResult.Fail(AuthNError.ExtensionsMalformed,
            "authenticatorData sets ED but its extensions are not one definite-length CBOR map (section 6.1); the authenticator data is corrupt.");
    }

    /// <summary>
    /// Section 6.5.6: an ES256 signature is one DER SEQUENCE of two INTEGERs, nothing else. Fido2 converts it to the
    /// raw form without checking the outer tag, so another byte there would still verify and a recorded approval
    /// would be malleable. Null when acceptable (other algorithms have fixed-size signatures their verifiers check).
    /// </summary>
    public static AssertionResult? CheckSignatureEncoding(int coseAlgorithm, ReadOnlyMemory<byte> signature)
    {
        if (coseAlgorithm != Passkeys.CoseKeys.Es256) return null;
        try
        {
            var outer = new System.Formats.Asn1.AsnReader(signature, System.Formats.Asn1.AsnEncodingRules.DER);
            var seq = outer.ReadSequence();
            seq.ReadInteger();
            seq.ReadInteger();
            seq.ThrowIfNotEmpty();
            outer.ThrowIfNotEmpty();
            return null;
        }
        catch (System.Formats.Asn1.AsnContentException)
        {
            return AssertionResult.Fail(AuthNError.SignatureInvalid,
                "the ES256 signature is not one DER SEQUENCE of two INTEGERs (section 6.5.6): the assertion was altered; approve again.");
        }
    }

    private static AssertionResult Malformed(string why) =>
        AssertionResult.Fail(AuthNError.ClientDataMalformed,
            $"clientDataJSON is malformed: {why} (section 7.2 step 10); send the clientDataJSON the browser produced, unmodified.");
}
