using MpcSigning.Interop;

namespace MpcSigning.Crypto;

/// <summary>SHA-256 and SHA-512 through libsodium.</summary>
public static class Hashes
{
    public static byte[] Sha256(ReadOnlySpan<byte> data)
    {
        var d = new byte[Sodium.Sha256Bytes];
        Sodium.Sha256(d, data);
        return d;
    }

    public static byte[] Sha512(ReadOnlySpan<byte> data)
    {
        var d = new byte[Sodium.Sha512Bytes];
        Sodium.Sha512(d, data);
        return d;
    }

    /// <summary>SHA-512 over the concatenation of the parts, without building the concatenation.</summary>
    public static byte[] Sha512(params ReadOnlySpan<byte[]> parts)
    {
        Span<byte> state = stackalloc byte[Sodium.Sha512StateBytes];
        Sodium.Sha512Init(state);
        foreach (var p in parts) Sodium.Sha512Update(state, p);
        var d = new byte[Sodium.Sha512Bytes];
        Sodium.Sha512Final(state, d);
        return d;
    }

    /// <summary>Constant-time equality; false when lengths differ.</summary>
    public static bool FixedTimeEquals(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => Sodium.FixedTimeEquals(a, b);
}
