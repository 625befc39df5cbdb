using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using MpcSigning.Hosting;

namespace MpcSigning.AuthN.Software;

/// <summary>
/// The on-disk form of a software authenticator: one JSON document, mode 0600.
/// <code>
/// { "format": "mpcsign-software-authenticator/v1", "email": "...", "credentialId": "&lt;base64url&gt;",
///   "algorithm": "ES256", "publicKeySpki": "&lt;base64&gt;", "privateKeyPkcs8": "&lt;base64&gt;", "signCount": 7 }
/// </code>
/// "algorithm" is ES256 (P-256), EdDSA (Ed25519) or RS256 (RSA 2048); a file without it is ES256.
/// The private key is read and written through byte buffers only (never a .NET string, which could not be
/// wiped); the caller wipes <see cref="PrivateKeyPkcs8"/> with CryptographicOperations.ZeroMemory.
/// </summary>
internal sealed class AuthenticatorFile
{
    public const string Format = "mpcsign-software-authenticator/v1";

    public required string Email { get; init; }
    public string Algorithm { get; init; } = SoftwareAlgorithms.Es256;
    public required byte[] CredentialId { get; init; }
    public required byte[] PublicKeySpki { get; init; }
    public required byte[] PrivateKeyPkcs8 { get; init; }
    public required uint SignCount { get; init; }

    /// <summary>Writes the file atomically (temp file with mode 0600, fsync, rename over the old one).</summary>
    public void Save(string path)
    {
        var buffer = new ArrayBufferWriter<byte>(4096); // sized so it never regrows and leaves an unwiped copy
        try
        {
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                w.WriteString("format", Format);
                w.WriteString("email", Email);
                w.WriteString("credentialId", Base64Url.EncodeToString(CredentialId));
                w.WriteString("algorithm", Algorithm);
                w.WriteBase64String("publicKeySpki", PublicKeySpki);
                w.WriteBase64String("privateKeyPkcs8", PrivateKeyPkcs8);
                w.WriteNumber("signCount", SignCount);
                w.WriteEndObject();
            }
            var tmp = path + ".new-" + Guid.NewGuid().ToString("N");
            DataDirectory.WriteOwnerOnly(tmp, buffer.WrittenSpan);
            File.Move(tmp, path, overwrite: true); // rename(2): readers see the old or the new file, never half
        }
        finally
        {
            buffer.Clear(); // zeroes the written bytes, which include the base64 private key
        }
    }

    /// <summary>Reads and parses the file; <see cref="AuthNException"/> if it is not a v1 authenticator document.</summary>
    public static AuthenticatorFile Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        try
        {
            return Parse(bytes, path);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or OverflowException)
        {
            throw Malformed(path, e.Message);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private static AuthenticatorFile Parse(ReadOnlySpan<byte> json, string path)
    {
        var r = new Utf8JsonReader(json);
        string? format = null, email = null, algorithm = null;
        byte[]? credentialId = null, spki = null, pkcs8 = null;
        uint? count = null;
        try
        {
            ReadMembers(ref r, path, ref format, ref email, ref algorithm, ref credentialId, ref spki, ref pkcs8, ref count);
        }
        catch
        {
            if (pkcs8 is not null) CryptographicOperations.ZeroMemory(pkcs8);
            throw;
        }
        algorithm ??= SoftwareAlgorithms.Es256;
        if (format != Format || email is null || credentialId is null || spki is null || pkcs8 is null || count is null ||
            !SoftwareAlgorithms.All.Contains(algorithm))
        {
            if (pkcs8 is not null) CryptographicOperations.ZeroMemory(pkcs8);
            throw Malformed(path, format != Format
                ? $"format is '{format}', expected '{Format}'"
                : !SoftwareAlgorithms.All.Contains(algorithm)
                    ? $"algorithm is '{algorithm}', expected one of {string.Join(", ", SoftwareAlgorithms.All)}"
                    : "a member (email, credentialId, publicKeySpki, privateKeyPkcs8, signCount) is missing");
        }
        return new AuthenticatorFile
        {
            Email = email, Algorithm = algorithm, CredentialId = credentialId, PublicKeySpki = spki, PrivateKeyPkcs8 = pkcs8,
            SignCount = count.Value,
        };
    }

    private static void ReadMembers(ref Utf8JsonReader r, string path, ref string? format, ref string? email, ref string? algorithm,
        ref byte[]? credentialId, ref byte[]? spki, ref byte[]? pkcs8, ref uint? count)
    {
        if (!r.Read() || r.TokenType != JsonTokenType.StartObject) throw Malformed(path, "the document is not a JSON object");
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            var name = r.GetString();
            r.Read();
            switch (name)
            {
                case "format": format = r.GetString(); break;
                case "email": email = r.GetString(); break;
                case "algorithm": algorithm = r.GetString(); break;
                case "credentialId": credentialId = Base64Url.DecodeFromChars(r.GetString()); break;
                case "publicKeySpki": spki = r.GetBytesFromBase64(); break;
                case "privateKeyPkcs8" when pkcs8 is null: pkcs8 = DecodeSecret(ref r, path); break;
                case "signCount": count = r.GetUInt32(); break;
                default: r.Skip(); break;
            }
        }
    }

    /// <summary>Decodes base64 straight from the UTF-8 token bytes, so the key never becomes a string.</summary>
    private static byte[] DecodeSecret(ref Utf8JsonReader r, string path)
    {
        if (r.TokenType != JsonTokenType.String || r.ValueIsEscaped || r.HasValueSequence)
            throw Malformed(path, "privateKeyPkcs8 is not a plain base64 string");
        var text = r.ValueSpan;
        var decoded = new byte[Base64.GetMaxDecodedFromUtf8Length(text.Length)];
        if (Base64.DecodeFromUtf8(text, decoded, out _, out var written) != OperationStatus.Done)
        {
            CryptographicOperations.ZeroMemory(decoded);
            throw Malformed(path, "privateKeyPkcs8 is not valid base64");
        }
        if (written == decoded.Length) return decoded;
        var exact = decoded.AsSpan(0, written).ToArray();
        CryptographicOperations.ZeroMemory(decoded);
        return exact;
    }

    private static AuthNException Malformed(string path, string what) =>
        new(AuthNError.AuthenticatorFileMalformed,
            $"software authenticator file '{path}' is malformed: {what}. Restore it from backup or create a new " +
            "authenticator and re-enroll.");
}
