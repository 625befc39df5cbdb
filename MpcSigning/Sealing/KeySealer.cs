using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using MpcSigning.Crypto;
using MpcSigning.Proto.Identity;
using NSec.Cryptography;

namespace MpcSigning.Sealing;

/// <summary>
/// Seals key files with XChaCha20-Poly1305 under a key derived (HKDF-SHA-256, info = format and purpose) from the
/// <see cref="ISealingKeySource"/>'s measurement-bound root. A file is the line <see cref="Magic"/> and then a
/// <see cref="SealedKeyFile"/>; its header (format, sealer, measurement, purpose, nonce, public data) is the associated
/// data, so none of it can be changed without the tag failing. Opening a file sealed under another measurement is
/// refused with a line naming both measurements.
/// </summary>
public sealed class KeySealer(ISealingKeySource source)
{
    public const string Format = "mpcsign-sealed-key/v1 xchacha20poly1305";
    public static readonly byte[] Magic = "mpcsign-sealed-key/v1\n"u8.ToArray();

    private static readonly AeadAlgorithm Aead = AeadAlgorithm.XChaCha20Poly1305;

    public ISealingKeySource Source => source;

    /// <summary>The sealed file's bytes for <paramref name="secret"/>.</summary>
    public byte[] Seal(string purpose, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> publicData = default)
    {
        var header = new SealedKeyHeader
        {
            Format = Format, Sealer = source.Kind, Measurement = ByteString.CopyFrom(source.Measurement), Purpose = purpose,
            Nonce = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(Aead.NonceSize)), PublicData = ByteString.CopyFrom(publicData),
        };
        var headerBytes = header.ToByteArray();
        using var key = PurposeKey(purpose);
        var file = new SealedKeyFile { Header = ByteString.CopyFrom(headerBytes), Ciphertext = ByteString.CopyFrom(Aead.Encrypt(key, header.Nonce.Span, headerBytes, secret)) };
        return [.. Magic, .. file.ToByteArray()];
    }

    /// <summary>Opens a sealed file's bytes into guarded memory (the caller disposes the result).</summary>
    /// <param name="path">For messages only.</param>
    /// <exception cref="SealingException">Not a sealed file, for another purpose, another measurement, or altered.</exception>
    public SecretBytes Unseal(byte[] sealedFile, string purpose, string path)
    {
        var (header, headerBytes, ciphertext) = Parse(sealedFile, path);
        if (header.Purpose != purpose)
            throw new SealingException($"sealed key file '{path}' holds the {header.Purpose} key, not the {purpose} key; restore the right file");
        if (header.Sealer != source.Kind)
            throw new SealingException($"sealed key file '{path}' was sealed with the {header.Sealer} sealing key, but this node has the {source.Kind} one; " +
                "it opens only where it was sealed");
        if (!header.Measurement.Span.SequenceEqual(source.Measurement))
            throw new SealingException($"sealed key file '{path}' is bound to measurement {Convert.ToHexStringLower(header.Measurement.Span)[..16]}..., " +
                $"but this build measures {Convert.ToHexStringLower(source.Measurement)[..16]}...; only the build that sealed it can open it " +
                "(run that build, restore the key from a backup made for this one, or start a new deployment with a fresh --data-dir)");
        if (header.Nonce.Length != Aead.NonceSize || ciphertext.Length < Aead.TagSize)
            throw new SealingException($"sealed key file '{path}' is truncated or malformed; restore it from backup");
        using var key = PurposeKey(purpose);
        var plain = SecretBytes.Allocate(ciphertext.Length - Aead.TagSize);
        if (!Aead.Decrypt(key, header.Nonce.Span, headerBytes, ciphertext, plain.Span))
        {
            plain.Dispose();
            throw new SealingException($"sealed key file '{path}' does not open: it was altered, or sealed by another machine's key; restore it from backup");
        }
        return plain;
    }

    /// <summary>The header's public data (for Ed25519 keys, the public key), without unsealing. Not authenticated.</summary>
    public static byte[] PublicDataOf(byte[] sealedFile, string path) => Parse(sealedFile, path).Header.PublicData.ToByteArray();

    /// <summary>True when the bytes start with <see cref="Magic"/>.</summary>
    public static bool IsSealed(ReadOnlySpan<byte> bytes) => bytes.StartsWith(Magic);

    private static (SealedKeyHeader Header, byte[] HeaderBytes, byte[] Ciphertext) Parse(byte[] sealedFile, string path)
    {
        if (!IsSealed(sealedFile))
            throw new SealingException($"'{path}' is not a sealed key file (it does not start with '{Encoding.ASCII.GetString(Magic).TrimEnd()}')");
        try
        {
            var file = SealedKeyFile.Parser.ParseFrom(sealedFile.AsSpan(Magic.Length));
            var headerBytes = file.Header.ToByteArray();
            var header = SealedKeyHeader.Parser.ParseFrom(headerBytes);
            if (header.Format != Format)
                throw new SealingException($"sealed key file '{path}' has format '{header.Format}'; this mpcsign reads '{Format}'");
            return (header, headerBytes, file.Ciphertext.ToByteArray());
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new SealingException($"sealed key file '{path}' is damaged ({e.Message}); restore it from backup", e);
        }
    }

    private Key PurposeKey(string purpose)
    {
        using var root = source.DeriveRootKey();
        using var derived = SecretBytes.Allocate(Aead.KeySize);
        HKDF.DeriveKey(HashAlgorithmName.SHA256, root.ReadOnlySpan, derived.Span, "mpcsign/sealing/v1"u8, Encoding.UTF8.GetBytes(Format + "\0" + purpose));
        Interop.Sodium.EnsureInitialized();
        return Key.Import(Aead, derived.ReadOnlySpan, KeyBlobFormat.RawSymmetricKey);
    }
}
