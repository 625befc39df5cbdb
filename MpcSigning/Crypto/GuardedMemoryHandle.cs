using System.Runtime.InteropServices;
using System.Security.Cryptography;
using MpcSigning.Interop;

namespace MpcSigning.Crypto;

/// <summary>Owns one sodium_malloc region; sodium_free zeroes it on release.</summary>
internal sealed class GuardedMemoryHandle : SafeHandle
{
    public int Length { get; }

    private GuardedMemoryHandle(IntPtr ptr, int length) : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(ptr);
        Length = length;
    }

    public static GuardedMemoryHandle Allocate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var ptr = Sodium.GuardedAlloc(length);
        if (ptr == IntPtr.Zero) throw new OutOfMemoryException("sodium_malloc could not allocate guarded memory (check RLIMIT_MEMLOCK).");
        return new GuardedMemoryHandle(ptr, length);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        CryptographicOperations.ZeroMemory(Sodium.GuardedSpan(handle, Length));
        Sodium.GuardedFree(handle);
        return true;
    }
}
