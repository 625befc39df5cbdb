using System.Buffers.Binary;

namespace MpcSigning.Attestation.Providers.ConfigFsTsm;

/// <summary>
/// Reports through Linux configfs-tsm (Documentation/ABI/testing/configfs-tsm): create an entry under
/// /sys/kernel/config/tsm/report, write 64 bytes to inblob, read outblob (the report) and auxblob (the
/// certificate table), and check that generation advanced by exactly one, which proves no other writer
/// changed the entry between our write and our read.
/// </summary>
public sealed class ConfigFsTsmProvider(string root = ConfigFsTsmProvider.DefaultRoot) : IAttestationProvider
{
    public const string DefaultRoot = "/sys/kernel/config/tsm/report";
    public const string KindName = "configfs";
    private const int MaxAttempts = 3;

    public string Kind => KindName;

    public async Task<AttestationEvidence> GetEvidenceAsync(ReadOnlyMemory<byte> reportData, CancellationToken ct)
    {
        if (reportData.Length != 64) throw new ArgumentException($"REPORT_DATA is 64 bytes, got {reportData.Length}", nameof(reportData));
        if (!Directory.Exists(root))
            throw new AttestationException(AttestationError.ProviderUnavailable, $"configfs-tsm is not available: {root} does not exist (kernel 6.7+ SEV-SNP guest with configfs mounted)");
        var entry = Path.Combine(root, "mpcsign-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(entry);
            var provider = (await Read(entry, "provider", ct)).AsSpan().Trim((byte)'\n');
            if (!provider.SequenceEqual("sev_guest"u8))
                throw new AttestationException(AttestationError.ProviderUnavailable, $"configfs-tsm provider is '{System.Text.Encoding.ASCII.GetString(provider)}', not sev_guest; this is not an SEV-SNP guest");
            for (var attempt = 1; ; attempt++)
            {
                var before = Generation(await Read(entry, "generation", ct));
                await File.WriteAllBytesAsync(Path.Combine(entry, "inblob"), reportData.ToArray(), ct);
                var outblob = await Read(entry, "outblob", ct);
                var auxblob = File.Exists(Path.Combine(entry, "auxblob")) ? await Read(entry, "auxblob", ct) : [];
                if (Generation(await Read(entry, "generation", ct)) == before + 1)
                    return new AttestationEvidence(Kind, ReportFrom(outblob), Certificates(auxblob));
                if (attempt == MaxAttempts)
                    throw new AttestationException(AttestationError.DeviceError, $"configfs-tsm entry {entry} was changed by another writer {MaxAttempts} times in a row; retry later");
            }
        }
        catch (IOException e)
        {
            throw new AttestationException(AttestationError.DeviceError, $"configfs-tsm at {entry} failed: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new AttestationException(AttestationError.DeviceError, $"configfs-tsm at {root} is not writable by this user ({e.Message}); run as root or grant access", e);
        }
        finally
        {
            try { if (Directory.Exists(entry)) Directory.Delete(entry); } catch (IOException) { /* the kernel removes it with the last reference */ }
        }
    }

    private static Task<byte[]> Read(string entry, string attribute, CancellationToken ct) => File.ReadAllBytesAsync(Path.Combine(entry, attribute), ct);

    private static long Generation(byte[] text) =>
        long.TryParse(System.Text.Encoding.ASCII.GetString(text).Trim(), out var g) ? g
            : throw new AttestationException(AttestationError.DeviceError, "configfs-tsm generation is not a number");

    /// <summary>outblob is the ATTESTATION_REPORT; tolerate the MSG_REPORT_RSP framing (status, size, 24 reserved bytes).</summary>
    internal static byte[] ReportFrom(byte[] outblob)
    {
        if (outblob.Length == 0x4A0) return outblob;
        if (outblob.Length >= 0x20 + 0x4A0 && BinaryPrimitives.ReadUInt32LittleEndian(outblob) == 0 &&
            BinaryPrimitives.ReadUInt32LittleEndian(outblob.AsSpan(4)) == 0x4A0)
            return outblob.AsSpan(0x20, 0x4A0).ToArray();
        throw new AttestationException(AttestationError.ReportLength, $"configfs-tsm outblob is {outblob.Length} bytes; expected a 0x4A0-byte ATTESTATION_REPORT");
    }

    private static AttestationCertificates Certificates(byte[] auxblob) => auxblob.Length == 0
        ? throw new AttestationException(AttestationError.CertificateMissing,
            "configfs-tsm returned no auxblob: the host supplied no VCEK; configure the host's certificate blob (snphost import) or fetch the VCEK from AMD's KDS")
        : CertificateTable.ToCertificates(CertificateTable.Parse(auxblob), "the configfs-tsm auxblob");
}
