using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using MpcSigning.Attestation;
using MpcSigning.Crypto;
using MpcSigning.Hosting;
using MpcSigning.Proto.Frost;
using MpcSigning.Proto.Identity;
using MpcSigning.Sealing;
using Key = NSec.Cryptography.Key;

namespace MpcSigning.Signing.Identity;

/// <summary>
/// A FROST signer's long-lived attested identity: an Ed25519 key (an NSec key, never exportable; its seed sealed in the
/// data directory, see <see cref="KeySealer"/>) and an SEV-SNP report whose REPORT_DATA is <see cref="ReportData"/> of
/// its public key. At the end of every DKG the signer signs its verifying share with it (<see cref="Endorse"/>), so a
/// verifier that pins the identity keys (the trust policy's PinnedSigner, or 'mpcsign trust-root') knows the shares
/// came from the attested signers and were not invented.
/// </summary>
public sealed class SignerIdentity : IDisposable
{
    public const string FilePrefix = "signer-identity-";
    public const string PinExtension = ".pin";

    private static readonly byte[] ReportLabel = "mpcsign/signer-identity/v1\0"u8.ToArray();
    private static readonly byte[] EndorsementLabel = "mpcsign/frost-dkg-share/v1\0"u8.ToArray();

    private readonly Key _key;

    private SignerIdentity(string name, Key key, byte[] publicKey, byte[] report) =>
        (Name, _key, PublicKey, AttestationReport) = (name, key, publicKey, report);

    public string Name { get; }

    /// <summary>The 32-byte Ed25519 identity public key.</summary>
    public byte[] PublicKey { get; }

    /// <summary>This start's SEV-SNP report binding <see cref="PublicKey"/>.</summary>
    public byte[] AttestationReport { get; }

    /// <summary>The PinnedSigner-shaped record a policy bootstrap includes.</summary>
    public SignerIdentityRecord Record => new()
    {
        Name = Name, IdentityPublicKey = ByteString.CopyFrom(PublicKey), AttestationReport = ByteString.CopyFrom(AttestationReport),
    };

    /// <summary>REPORT_DATA of an identity report: SHA-512("mpcsign/signer-identity/v1\0" || public key).</summary>
    public static byte[] ReportData(ReadOnlySpan<byte> publicKey) => Hashes.Sha512([ReportLabel, publicKey.ToArray()]);

    /// <summary>What an identity signs at the end of a DKG (see identity.proto, ShareEndorsement).</summary>
    public static byte[] EndorsedMessage(ReadOnlySpan<byte> sessionId, ReadOnlySpan<byte> groupPublicKey, uint identifier,
        ReadOnlySpan<byte> verifyingShare, uint t, uint n)
    {
        var m = new byte[EndorsementLabel.Length + 4 + sessionId.Length + groupPublicKey.Length + 4 + verifyingShare.Length + 8];
        var w = m.AsSpan();
        EndorsementLabel.CopyTo(w);
        w = w[EndorsementLabel.Length..];
        BinaryPrimitives.WriteUInt32BigEndian(w, (uint)sessionId.Length);
        sessionId.CopyTo(w[4..]);
        w = w[(4 + sessionId.Length)..];
        groupPublicKey.CopyTo(w);
        w = w[groupPublicKey.Length..];
        BinaryPrimitives.WriteUInt32BigEndian(w, identifier);
        verifyingShare.CopyTo(w[4..]);
        w = w[(4 + verifyingShare.Length)..];
        BinaryPrimitives.WriteUInt32BigEndian(w, t);
        BinaryPrimitives.WriteUInt32BigEndian(w[4..], n);
        return m;
    }

    /// <summary>This signer's signature over its verifying share in a finished DKG.</summary>
    public ShareEndorsement Endorse(ByteString sessionId, PublicKeyPackage keys, uint identifier)
    {
        if (!keys.VerifyingShares.TryGetValue(identifier, out var share))
            throw new InvalidOperationException($"the DKG result has no verifying share for identifier {identifier}");
        var message = EndorsedMessage(sessionId.Span, keys.GroupPublicKey.Span, identifier, share.Span, keys.MinSigners, keys.MaxSigners);
        return new ShareEndorsement
        {
            Identifier = identifier, IdentityPublicKey = ByteString.CopyFrom(PublicKey),
            Signature = ByteString.CopyFrom(Ed25519.Sign(_key, message)), AttestationReport = ByteString.CopyFrom(AttestationReport),
        };
    }

    /// <summary>
    /// Opens (creating on first start) the identity <paramref name="name"/> in the data directory: its seed sealed with
    /// <paramref name="sealer"/> (a plain seed file is migrated; without a sealer the seed stays a plain 0600 file), a
    /// fresh report from <paramref name="provider"/> binding the public key, and the public record written as
    /// <c>signer-identity-NAME.pin</c> for 'mpcsign trust-root'.
    /// </summary>
    public static async Task<SignerIdentity> OpenAsync(DataDirectory data, string name, KeySealer? sealer, IAttestationProvider provider, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var stem = data.File(FilePrefix + FileSafe(name));
        Key key;
        using (var seed = sealer is null ? PlainSeed(stem + ".key")
                   : SealedKeyStore.Open(sealer, "signer-identity:" + name, stem + ".sealed", stem + ".key", Check32(stem + ".key"),
                       () => SecretBytes.Random(Ed25519.SeedSize), TLog.Checkpoints.LogKey.PublicKeyOfSeed)!)
        {
            if (seed.Length != Ed25519.SeedSize) throw new SealingException($"the signer identity key '{stem}.sealed' is not a 32-byte Ed25519 seed; restore it from backup");
            key = Ed25519.FromSeed(seed.ReadOnlySpan);
        }
        try
        {
            var publicKey = Ed25519.PublicKeyOf(key);
            var evidence = await provider.GetEvidenceAsync(ReportData(publicKey), ct);
            var identity = new SignerIdentity(name, key, publicKey, evidence.Report);
            var pin = stem + PinExtension;
            var tmp = pin + ".tmp-" + Guid.NewGuid().ToString("N");
            await File.WriteAllBytesAsync(tmp, identity.Record.ToByteArray(), ct);
            File.Move(tmp, pin, overwrite: true);
            return identity;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>The identities whose records a data directory holds (<c>signer-identity-*.pin</c>), by name.</summary>
    public static IReadOnlyList<SignerIdentityRecord> ReadPins(string dataDirectory)
    {
        if (!Directory.Exists(dataDirectory)) return [];
        return Directory.EnumerateFiles(dataDirectory, FilePrefix + "*" + PinExtension)
            .Select(f =>
            {
                try { return SignerIdentityRecord.Parser.ParseFrom(File.ReadAllBytes(f)); }
                catch (InvalidProtocolBufferException e) { throw new SealingException($"signer identity record '{f}' is damaged ({e.Message}); restart the node to rewrite it", e); }
            })
            .OrderBy(r => r.Name, StringComparer.Ordinal)
            .ToArray();
    }

    private static Func<byte[], SecretBytes> Check32(string path) => raw => raw.Length == Ed25519.SeedSize ? SecretBytes.CopyFrom(raw)
        : throw new SealingException($"the plain signer identity key '{path}' holds {raw.Length} bytes, not a 32-byte seed; restore it from backup");

    private static SecretBytes PlainSeed(string path)
    {
        if (!File.Exists(path))
        {
            using var fresh = SecretBytes.Random(Ed25519.SeedSize);
            try { DataDirectory.WriteOwnerOnly(path, fresh.ReadOnlySpan); }
            catch (IOException) when (File.Exists(path)) { /* created concurrently: use theirs */ }
        }
        var raw = File.ReadAllBytes(path);
        try { return Check32(path)(raw); }
        finally { CryptographicOperations.ZeroMemory(raw); }
    }

    /// <summary>A name as a file name: letters, digits, '.', '-' and '_' kept, anything else '_'.</summary>
    private static string FileSafe(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name) sb.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        return sb.ToString();
    }

    public void Dispose() => _key.Dispose();

    public override string ToString() => $"SignerIdentity({Name}, {Convert.ToHexStringLower(PublicKey)[..16]}...)";
}
