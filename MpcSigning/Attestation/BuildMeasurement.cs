using System.Security.Cryptography;
using System.Text;

namespace MpcSigning.Attestation;

/// <summary>
/// The simulated provider's MEASUREMENT: SHA-384 over the running build's own files (the directory holding
/// mpcsign.dll: every .dll, .json and .so, and the mpcsign apphost), so a changed build is a different
/// measurement, as it would be for a real launch digest. Each file contributes its relative path and length
/// before its content, so renaming or moving bytes between files also changes the value.
/// </summary>
public static class BuildMeasurement
{
    private static readonly Lazy<byte[]> Cached = new(() => Of(Path.GetDirectoryName(typeof(BuildMeasurement).Assembly.Location) ?? AppContext.BaseDirectory));

    /// <summary>The 48-byte measurement of this process's build (computed once per process).</summary>
    public static byte[] Current() => (byte[])Cached.Value.Clone();

    public static byte[] Of(string directory)
    {
        var files = Directory.EnumerateFiles(directory)
            .Where(f => Path.GetExtension(f) is ".dll" or ".json" or ".so" || Path.GetFileName(f) == "mpcsign")
            .Select(f => Path.GetFileName(f)!)
            .Order(StringComparer.Ordinal);
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA384);
        foreach (var name in files)
        {
            var content = File.ReadAllBytes(Path.Combine(directory, name));
            var nameBytes = Encoding.UTF8.GetBytes(name);
            h.AppendData(BitConverter.GetBytes(nameBytes.Length));
            h.AppendData(nameBytes);
            h.AppendData(BitConverter.GetBytes((long)content.Length));
            h.AppendData(content);
        }
        return h.GetHashAndReset();
    }
}
