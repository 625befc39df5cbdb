using System.Buffers.Binary;

namespace MpcSigning.AuthN.WebAuthn;

/// <summary>
/// authenticatorData (WebAuthn L3 section 6.1):
/// <code>
/// rpIdHash (32) || flags (1) || signCount (4, big-endian)
///   || [attestedCredentialData if AT: aaguid (16) || credentialIdLength (2, BE) || credentialId || credentialPublicKey (CBOR map)]
///   || [extensions if ED: CBOR map]
/// </code>
/// Parsing is strict: each optional part must be present exactly when its flag is set, and nothing may follow.
/// </summary>
public sealed class AuthenticatorData
{
    public const int RpIdHashBytes = 32;
    public const int HeaderBytes = RpIdHashBytes + 1 + 4;
    private const int AaguidBytes = 16;

    public ReadOnlyMemory<byte> RpIdHash { get; }
    public AuthenticatorFlags Flags { get; }
    public uint SignCount { get; }

    private AuthenticatorData(ReadOnlyMemory<byte> rpIdHash, AuthenticatorFlags flags, uint signCount) =>
        (RpIdHash, Flags, SignCount) = (rpIdHash, flags, signCount);

    public bool Has(AuthenticatorFlags flag) => (Flags & flag) == flag;

    /// <summary>Builds the 37-byte form an assertion carries: no attested data, no extensions.</summary>
    public static byte[] Build(ReadOnlySpan<byte> rpIdHash, AuthenticatorFlags flags, uint signCount)
    {
        if (rpIdHash.Length != RpIdHashBytes) throw new ArgumentException($"rpIdHash must be {RpIdHashBytes} bytes.", nameof(rpIdHash));
        if ((flags & (AuthenticatorFlags.AttestedData | AuthenticatorFlags.ExtensionData)) != 0)
            throw new ArgumentException("AT and ED need data this builder does not write.", nameof(flags));
        var data = new byte[HeaderBytes];
        rpIdHash.CopyTo(data);
        data[RpIdHashBytes] = (byte)flags;
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(RpIdHashBytes + 1), signCount);
        return data;
    }

    /// <summary>Parses and checks the structure; on failure returns null with a code and a message.</summary>
    public static AuthenticatorData? Parse(ReadOnlyMemory<byte> bytes, out AuthNError code, out string message)
    {
        var d = bytes.Span;
        code = AuthNError.None;
        message = "";
        if (d.Length < HeaderBytes)
            return Fail(AuthNError.AuthenticatorDataTruncated,
                $"authenticatorData is {d.Length} bytes; at least {HeaderBytes} (rpIdHash, flags, signCount) are required. " +
                "Send the authenticatorData exactly as the authenticator returned it.", out code, out message);
        var flags = (AuthenticatorFlags)d[RpIdHashBytes];
        var count = BinaryPrimitives.ReadUInt32BigEndian(d[(RpIdHashBytes + 1)..]);
        var pos = HeaderBytes;

        if ((flags & AuthenticatorFlags.AttestedData) != 0 && !TrySkipAttestedData(d, ref pos))
            return Fail(AuthNError.AttestedDataInconsistent,
                "authenticatorData sets the AT flag but the attested credential data after the counter is missing or " +
                "malformed (WebAuthn L3 section 6.5.1); the authenticator output was truncated or corrupted.", out code, out message);

        if ((flags & AuthenticatorFlags.ExtensionData) != 0)
        {
            if (!CborWellFormed.TrySkip(d, ref pos, out var major) || major != CborWellFormed.MajorMap)
                return Fail(AuthNError.ExtensionsMalformed,
                    "authenticatorData sets the ED flag but no well-formed CBOR map of extensions follows " +
                    "(WebAuthn L3 section 6.1); the authenticator output was truncated or corrupted.", out code, out message);
        }

        if (pos != d.Length)
            return Fail(AuthNError.ExtensionsMalformed,
                $"authenticatorData has {d.Length - pos} unexpected trailing byte(s) after offset {pos}; its flags " +
                $"(0x{(byte)flags:x2}) announce nothing more. Send the authenticatorData unmodified.", out code, out message);
        return new AuthenticatorData(bytes[..RpIdHashBytes], flags, count);
    }

    private static bool TrySkipAttestedData(ReadOnlySpan<byte> d, ref int pos)
    {
        if (d.Length - pos < AaguidBytes + 2) return false;
        pos += AaguidBytes;
        int idLength = BinaryPrimitives.ReadUInt16BigEndian(d[pos..]);
        pos += 2;
        if (d.Length - pos < idLength) return false;
        pos += idLength;
        return CborWellFormed.TrySkip(d, ref pos, out var major) && major == CborWellFormed.MajorMap;
    }

    private static AuthenticatorData? Fail(AuthNError c, string m, out AuthNError code, out string message)
    {
        (code, message) = (c, m);
        return null;
    }
}
