using System.Collections.Concurrent;
using System.Formats.Cbor;
using System.Security.Cryptography;
using NSec.Cryptography;

namespace MpcSigning.AuthN.Passkeys;

/// <summary>
/// Converts a credential public key between the COSE_Key form authenticators give (RFC 9052 section 7, RFC 9053) and
/// the SubjectPublicKeyInfo DER the trust policy, the CA and the bundle name participants by. Only the three
/// algorithms mpcsign accepts: ES256 (-7, EC2 P-256), EdDSA (-8, OKP Ed25519) and RS256 (-257, RSA).
/// </summary>
public static class CoseKeys
{
    public const int Es256 = -7, EdDsa = -8, Rs256 = -257;

    /// <summary>
    /// Conversions that succeeded, by the exact COSE bytes. The platform's key import behind one (for P-256, OpenSSL's
    /// key check costs scalar multiplications) ran twice per WebAuthn check, for the same few enrolled keys, and was
    /// the largest single item of a whole session's CPU (issue 13's profile). The conversion is a pure function of the
    /// bytes, so a hit returns a copy of what the import gave; a refused key is not kept and is examined again each
    /// time. Bounded: emptied when full.
    /// </summary>
    private static readonly ConcurrentDictionary<string, (byte[] Spki, int Alg)> Converted = new();

    private const int MaxConverted = 4096;

    /// <summary>The key's SubjectPublicKeyInfo DER and its COSE algorithm, or null with a reason.</summary>
    public static byte[]? ToSpki(ReadOnlySpan<byte> cose, out int alg, out string problem)
    {
        var id = Convert.ToBase64String(cose);
        if (Converted.TryGetValue(id, out var known))
        {
            alg = known.Alg;
            problem = "";
            return (byte[])known.Spki.Clone();
        }
        var spki = Import(cose, out alg, out problem);
        if (spki is null) return null;
        if (Converted.Count >= MaxConverted) Converted.Clear();
        Converted[id] = ((byte[])spki.Clone(), alg);
        return spki;
    }

    private static byte[]? Import(ReadOnlySpan<byte> cose, out int alg, out string problem)
    {
        alg = 0;
        problem = "";
        Dictionary<int, object> map;
        try
        {
            map = ReadMap(cose.ToArray());
        }
        // OverflowException: an integer CBOR carries but a label (int) or value (long) cannot
        catch (Exception e) when (e is CborContentException or InvalidOperationException or FormatException or OverflowException)
        {
            problem = "the COSE key is not a well-formed CBOR map of integer labels";
            return null;
        }
        if (!map.TryGetValue(3, out var a) || a is not long algorithm)
        {
            problem = "the COSE key names no algorithm (label 3)";
            return null;
        }
        alg = (int)algorithm;
        var kty = map.TryGetValue(1, out var k) && k is long t ? t : 0;
        try
        {
            switch (alg, kty)
            {
                case (Es256, 2):
                    if (map.GetValueOrDefault(-1) is not (long)1 || map.GetValueOrDefault(-2) is not byte[] { Length: 32 } x ||
                        map.GetValueOrDefault(-3) is not byte[] { Length: 32 } y)
                        break;
                    using (var ec = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } }))
                        return ec.ExportSubjectPublicKeyInfo();
                case (EdDsa, 1):
                    if (map.GetValueOrDefault(-1) is not (long)6 || map.GetValueOrDefault(-2) is not byte[] { Length: 32 } ed) break;
                    if (!PublicKey.TryImport(SignatureAlgorithm.Ed25519, ed, KeyBlobFormat.RawPublicKey, out var pk) || pk is null) break;
                    return pk.Export(KeyBlobFormat.PkixPublicKey);
                case (Rs256, 3):
                    if (map.GetValueOrDefault(-1) is not byte[] { Length: >= 256 } n || map.GetValueOrDefault(-2) is not byte[] { Length: > 0 } exp) break;
                    using (var rsa = RSA.Create(new RSAParameters { Modulus = n, Exponent = exp }))
                        return rsa.ExportSubjectPublicKeyInfo();
                default:
                    problem = $"the COSE key uses algorithm {alg} with key type {kty}; mpcsign accepts ES256 (-7), EdDSA (-8) and RS256 (-257)";
                    return null;
            }
        }
        catch (CryptographicException)
        {
            // Not a point on the curve, or an RSA key the platform refuses: both are "invalid key" below.
        }
        problem = $"the COSE key for algorithm {alg} has missing or invalid parameters (curve, coordinates or modulus of 2048 bits or more)";
        return null;
    }

    /// <summary>
    /// The COSE_Key of a SubjectPublicKeyInfo: P-256 as ES256, Ed25519 as EdDSA, RSA as RS256 (the only RSA algorithm
    /// mpcsign accepts). For records and bundles made before COSE keys were kept. Null if it is none of these, or not
    /// in canonical DER (a non-zero "unused bits" count, for one, still decodes to the same key: recorded evidence must
    /// not be malleable).
    /// </summary>
    public static byte[]? FromSpki(ReadOnlySpan<byte> spki)
    {
        var cose = FromSpkiLenient(spki);
        return cose is not null && ToSpki(cose, out _, out _) is { } canonical && canonical.AsSpan().SequenceEqual(spki) ? cose : null;
    }

    private static byte[]? FromSpkiLenient(ReadOnlySpan<byte> spki)
    {
        try
        {
            if (PublicKey.TryImport(SignatureAlgorithm.Ed25519, spki, KeyBlobFormat.PkixPublicKey, out var ed) && ed is not null)
                return Okp(ed.Export(KeyBlobFormat.RawPublicKey));
            using (var ec = ECDsa.Create())
            {
                try
                {
                    ec.ImportSubjectPublicKeyInfo(spki, out var read);
                    var p = ec.ExportParameters(false);
                    if (read == spki.Length && p.Curve.Oid.Value == ECCurve.NamedCurves.nistP256.Oid.Value) return Ec2(p.Q.X!, p.Q.Y!);
                    return null;
                }
                catch (CryptographicException)
                {
                    // Not an EC key: try RSA below.
                }
            }
            using var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(spki, out var rsaRead);
            if (rsaRead != spki.Length) return null;
            var r = rsa.ExportParameters(false);
            return Rsa(r.Modulus!, r.Exponent!);
        }
        catch (Exception e) when (e is CryptographicException or PlatformNotSupportedException or FormatException)
        {
            return null;
        }
    }

    /// <summary>An EC2 P-256 ES256 COSE_Key.</summary>
    public static byte[] Ec2(byte[] x, byte[] y)
    {
        var w = new CborWriter(CborConformanceMode.Ctap2Canonical);
        w.WriteStartMap(5);
        w.WriteInt32(1); w.WriteInt32(2);
        w.WriteInt32(3); w.WriteInt32(Es256);
        w.WriteInt32(-1); w.WriteInt32(1);
        w.WriteInt32(-2); w.WriteByteString(x);
        w.WriteInt32(-3); w.WriteByteString(y);
        w.WriteEndMap();
        return w.Encode();
    }

    /// <summary>An OKP Ed25519 EdDSA COSE_Key.</summary>
    public static byte[] Okp(byte[] x)
    {
        var w = new CborWriter(CborConformanceMode.Ctap2Canonical);
        w.WriteStartMap(4);
        w.WriteInt32(1); w.WriteInt32(1);
        w.WriteInt32(3); w.WriteInt32(EdDsa);
        w.WriteInt32(-1); w.WriteInt32(6);
        w.WriteInt32(-2); w.WriteByteString(x);
        w.WriteEndMap();
        return w.Encode();
    }

    /// <summary>An RSA RS256 COSE_Key.</summary>
    public static byte[] Rsa(byte[] n, byte[] e)
    {
        var w = new CborWriter(CborConformanceMode.Ctap2Canonical);
        w.WriteStartMap(4);
        w.WriteInt32(1); w.WriteInt32(3);
        w.WriteInt32(3); w.WriteInt32(Rs256);
        w.WriteInt32(-1); w.WriteByteString(n);
        w.WriteInt32(-2); w.WriteByteString(e);
        w.WriteEndMap();
        return w.Encode();
    }

    private static Dictionary<int, object> ReadMap(byte[] cose)
    {
        var r = new CborReader(cose, CborConformanceMode.Ctap2Canonical);
        var count = r.ReadStartMap() ?? throw new FormatException("indefinite map");
        var map = new Dictionary<int, object>();
        for (var i = 0; i < count; i++)
        {
            var label = r.ReadInt32();
            object value = r.PeekState() switch
            {
                CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger => r.ReadInt64(),
                CborReaderState.ByteString => r.ReadByteString(),
                _ => throw new FormatException("unexpected value"),
            };
            if (!map.TryAdd(label, value)) throw new FormatException("duplicate label");
        }
        r.ReadEndMap();
        if (r.BytesRemaining != 0) throw new FormatException("trailing bytes");
        return map;
    }
}
