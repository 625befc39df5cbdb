using System.Buffers.Binary;
using System.Text;
using MpcSigning.Crypto;

namespace MpcSigning.Transport.Handshake;

/// <summary>Which end of the connection a side is: the TLS client that dialed (I) or the server that accepted (R).</summary>
public enum LinkRole : byte
{
    Initiator = (byte)'I',
    Responder = (byte)'R',
}

/// <summary>
/// What a report on an attested link must carry in REPORT_DATA (ARCHITECTURE.md "Attested links"): SHA-512 over a domain
/// label, the attesting side's role byte, the nonces, SHA-256 of each side's certificate SPKI, the TLS channel binding and
/// both node identities. Nonces stop replay, the SPKI hashes tie the TLS keys to the enclaves, the binding stops relay,
/// the role byte stops reflection, the identities stop diversion. Variable-length parts carry a 4-byte big-endian length.
/// Pure: the same inputs on both ends give the same 64 bytes.
/// </summary>
public static class LinkReportData
{
    public const int NonceSize = 32;

    private static readonly byte[] HandshakeLabel = "mpcsign/attested-link/handshake/v1\0"u8.ToArray();
    private static readonly byte[] ReattestLabel = "mpcsign/attested-link/reattest/v1\0"u8.ToArray();

    /// <summary>The facts of one TLS connection that every report on it binds.</summary>
    /// <param name="InitiatorSpkiSha256">SHA-256 of the TLS client certificate's SubjectPublicKeyInfo.</param>
    /// <param name="ResponderSpkiSha256">SHA-256 of the TLS server certificate's SubjectPublicKeyInfo.</param>
    /// <param name="ChannelBinding">The session's tls-unique value.</param>
    public sealed record Connection(byte[] InitiatorSpkiSha256, byte[] ResponderSpkiSha256, byte[] ChannelBinding,
        LinkIdentity Initiator, LinkIdentity Responder);

    /// <summary>REPORT_DATA of the handshake report made by <paramref name="attester"/>.</summary>
    public static byte[] Handshake(LinkRole attester, ReadOnlySpan<byte> initiatorNonce, ReadOnlySpan<byte> responderNonce, Connection c)
    {
        if (initiatorNonce.Length != NonceSize || responderNonce.Length != NonceSize)
            throw new ArgumentException($"nonces are {NonceSize} bytes");
        return Sha512(HandshakeLabel, attester, [initiatorNonce.ToArray(), responderNonce.ToArray()], c);
    }

    /// <summary>REPORT_DATA of a re-attestation report made by <paramref name="attester"/> for the challenger's nonce.</summary>
    public static byte[] Reattest(LinkRole attester, ReadOnlySpan<byte> challengeNonce, Connection c)
    {
        if (challengeNonce.Length != NonceSize) throw new ArgumentException($"nonces are {NonceSize} bytes");
        return Sha512(ReattestLabel, attester, [challengeNonce.ToArray()], c);
    }

    private static byte[] Sha512(byte[] label, LinkRole attester, byte[][] nonces, Connection c)
    {
        var parts = new List<byte[]> { label, new[] { (byte)attester } };
        parts.AddRange(nonces);
        parts.Add(c.InitiatorSpkiSha256);
        parts.Add(c.ResponderSpkiSha256);
        parts.Add(Length(c.ChannelBinding.Length));
        parts.Add(c.ChannelBinding);
        parts.Add(Encode(c.Initiator));
        parts.Add(Encode(c.Responder));
        return Hashes.Sha512([.. parts]);
    }

    /// <summary>name, roles (count, then each), address; every string as length + UTF-8.</summary>
    internal static byte[] Encode(LinkIdentity id)
    {
        using var ms = new MemoryStream();
        void Str(string s)
        {
            var b = Encoding.UTF8.GetBytes(s);
            ms.Write(Length(b.Length));
            ms.Write(b);
        }
        Str(id.NodeName);
        ms.Write(Length(id.Roles.Count));
        foreach (var r in id.Roles) Str(r);
        Str(id.Address);
        return ms.ToArray();
    }

    private static byte[] Length(int n)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, (uint)n);
        return b;
    }
}
