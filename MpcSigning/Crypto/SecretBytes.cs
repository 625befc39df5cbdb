using MpcSigning.Interop;

namespace MpcSigning.Crypto;

/// <summary>
/// Secret material (FROST key shares, coefficients and nonces; key bytes on their way to or from an owner-only
/// file) in libsodium guarded memory from <see cref="GuardedMemoryPool"/>. Zeroed and given back to the pool on
/// <see cref="Dispose"/>; never prints its contents. Copy secrets out of it only into other SecretBytes. Ed25519
/// private keys are NSec keys instead (<see cref="Ed25519"/>).
/// </summary>
public sealed class SecretBytes : IDisposable
{
    private readonly GuardedMemoryHandle _handle;

    private SecretBytes(int length) => _handle = GuardedMemoryHandle.Allocate(length);

    public int Length => _handle.Length;

    public bool IsDisposed => _handle.IsClosed;

    /// <summary>A zero-filled secret of the given length.</summary>
    public static SecretBytes Allocate(int length)
    {
        var s = new SecretBytes(length);
        s.Span.Clear();
        return s;
    }

    /// <summary>Fresh randomness from libsodium's CSPRNG.</summary>
    public static SecretBytes Random(int length)
    {
        var s = new SecretBytes(length);
        Sodium.RandomBytes(s.Span);
        return s;
    }

    /// <summary>Copies <paramref name="source"/> into guarded memory. The caller wipes its own copy.</summary>
    public static SecretBytes CopyFrom(ReadOnlySpan<byte> source)
    {
        var s = new SecretBytes(source.Length);
        source.CopyTo(s.Span);
        return s;
    }

    /// <summary>The secret bytes. Valid only until Dispose; do not keep the span.</summary>
    public Span<byte> Span
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return Sodium.GuardedSpan(_handle.Region, _handle.Length);
        }
    }

    public ReadOnlySpan<byte> ReadOnlySpan => Span;

    public void Dispose() => _handle.Dispose();

    public override string ToString() => "<redacted>";
}
