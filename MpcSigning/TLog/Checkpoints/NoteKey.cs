using System.Buffers.Binary;
using System.Text;

namespace MpcSigning.TLog.Checkpoints;

/// <summary>
/// An Ed25519 signed-note verifier key (C2SP signed-note): a name, a public key, and the 4-byte key ID
/// SHA-256(name || 0x0A || 0x01 || key)[:4] that signature lines carry as their hint.
/// </summary>
public sealed record NoteKey(string Name, byte[] PublicKey)
{
    /// <summary>Signature type byte for Ed25519 (C2SP signed-note, "Signature types").</summary>
    public const byte Ed25519Type = 0x01;

    public uint KeyId => ComputeKeyId(Name, PublicKey);

    /// <summary>name+hex(keyID)+base64(0x01 || key), the form golang.org/x/mod/sumdb/note and witnesses read.</summary>
    public string VerifierKey => $"{Name}+{KeyId:x8}+{Convert.ToBase64String([Ed25519Type, .. PublicKey])}";

    public static uint ComputeKeyId(string name, ReadOnlySpan<byte> publicKey)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var buf = new byte[nameBytes.Length + 2 + publicKey.Length];
        nameBytes.CopyTo(buf, 0);
        buf[nameBytes.Length] = 0x0A;
        buf[nameBytes.Length + 1] = Ed25519Type;
        publicKey.CopyTo(buf.AsSpan(nameBytes.Length + 2));
        return BinaryPrimitives.ReadUInt32BigEndian(Crypto.Hashes.Sha256(buf));
    }

    /// <summary>Parses a verifier key; null (with the reason) when it is malformed, its type is not Ed25519,
    /// or its key ID does not match its name and key.</summary>
    public static NoteKey? TryParse(string vkey, out string error)
    {
        var parts = vkey.Split('+', 3); // base64 key material may itself contain '+'
        error = "";
        if (parts.Length != 3 || !IsValidName(parts[0]) || parts[1].Length != 8)
        {
            error = "verifier key must be name+8-hex-keyid+base64key";
            return null;
        }
        byte[] raw;
        try { raw = Convert.FromBase64String(parts[2]); }
        catch (FormatException) { error = "verifier key material is not base64"; return null; }
        if (raw.Length != 33 || raw[0] != Ed25519Type)
        {
            error = $"verifier key must be 0x01 followed by a 32-byte Ed25519 key, got {raw.Length} bytes type 0x{(raw.Length > 0 ? raw[0] : 0):x2}";
            return null;
        }
        var key = new NoteKey(parts[0], raw[1..]);
        if (!uint.TryParse(parts[1], System.Globalization.NumberStyles.HexNumber, null, out var id) || id != key.KeyId)
        {
            error = $"verifier key ID {parts[1]} does not match {key.KeyId:x8} computed from its name and key";
            return null;
        }
        return key;
    }

    /// <summary>C2SP signed-note: a key name is non-empty UTF-8 without whitespace or '+'.</summary>
    public static bool IsValidName(string name) =>
        name.Length > 0 && !name.Any(c => char.IsWhiteSpace(c) || c == '+' || char.IsControl(c));
}
