using System.Runtime.InteropServices;
using NSec.Cryptography;

namespace MpcSigning.Interop;

/// <summary>
/// The libsodium functions mpcsign needs that NSec.Cryptography does not expose, and nothing else. Ed25519
/// keys, signatures and SHA-256/512 go through NSec (<see cref="Crypto.Ed25519"/>, <see cref="Crypto.Hashes"/>);
/// fixed-time comparison and zeroing are .NET's CryptographicOperations. This is the only file that binds
/// libsodium; callers go through the span-based wrappers at the bottom, never the raw externs.
///
/// The library is the one NSec loads: libsodium 1.0.22 from the NuGet package "libsodium", shipped with the
/// application (runtimes/linux-x64/native/libsodium.so, or beside the application when published for
/// linux-x64). There is no resolver of our own: the name "libsodium" goes through the same probing as NSec's
/// own imports, and <see cref="EnsureInitialized"/> checks that both reached the same, initialized copy.
///
/// Bound (sodium.h, by header):
///   core.h              sodium_init
///   version.h           sodium_version_string
///   randombytes.h       randombytes_buf (NSec 26.4.0 has no public random generator)
///   utils.h             sodium_malloc, sodium_free (guarded memory for FROST shares and nonces)
///   crypto_core_ed25519.h  is_valid_point, add, sub, scalar_{random,negate,add,mul,reduce}
///   crypto_scalarmult_ed25519.h  crypto_scalarmult_ed25519_noclamp, _base_noclamp
/// </summary>
internal static unsafe class Sodium
{
    /// <summary>The name NSec imports too; the runtime's probing maps both to the bundled libsodium.so.</summary>
    private const string Library = "libsodium";

    public const int PointBytes = 32;
    public const int ScalarBytes = 32;
    public const int NonReducedScalarBytes = 64;

    private static readonly object Gate = new();
    private static bool _initialized;

    /// <summary>
    /// Loads and initializes the bundled libsodium through NSec, then checks that these bindings reach the same
    /// copy. Throws <see cref="SodiumUnavailableException"/> if the library is missing or is not that copy.
    /// </summary>
    public static void EnsureInitialized()
    {
        if (Volatile.Read(ref _initialized)) return;
        lock (Gate)
        {
            if (_initialized) return;
            int rc;
            try
            {
                // Any NSec algorithm runs NSec's initialization: it loads libsodium, checks its version
                // against the one NSec was built for, and calls sodium_init().
                _ = SignatureAlgorithm.Ed25519;
                rc = sodium_init();
            }
            catch (Exception e) when (e is PlatformNotSupportedException or DllNotFoundException or BadImageFormatException
                                          or EntryPointNotFoundException)
            {
                throw new SodiumUnavailableException(
                    "the bundled native library libsodium.so was not found beside the application or in " +
                    $"runtimes/linux-x64/native under {AppContext.BaseDirectory}; rebuild or republish mpcsign " +
                    "(dotnet build, or dotnet publish -r linux-x64).", e);
            }
            catch (InvalidOperationException e)
            {
                // NSec refuses a libsodium whose version it was not built for.
                throw new SodiumUnavailableException(
                    $"the libsodium that was loaded is not the bundled one ({e.Message}); rebuild or republish mpcsign.", e);
            }
            // 1 = already initialized, by NSec, in the same library. 0 would mean these imports reached a second
            // copy that NSec never initialized.
            if (rc != 1)
                throw new SodiumUnavailableException(
                    $"mpcsign's libsodium bindings reached a different copy of libsodium ({Version}, sodium_init() = {rc}) " +
                    "than NSec; remove any LD_PRELOAD or LD_LIBRARY_PATH libsodium and rebuild or republish mpcsign.", null);
            Volatile.Write(ref _initialized, true);
        }
    }

    /// <summary>The loaded library's version string, e.g. "1.0.22".</summary>
    public static string Version => Marshal.PtrToStringAnsi(sodium_version_string()) ?? "";

    // ---- raw bindings -------------------------------------------------------------------------

    [DllImport(Library)] private static extern int sodium_init();
    [DllImport(Library)] private static extern IntPtr sodium_version_string();
    [DllImport(Library)] private static extern void randombytes_buf(byte* buf, nuint size);
    [DllImport(Library)] private static extern IntPtr sodium_malloc(nuint size);
    [DllImport(Library)] private static extern void sodium_free(IntPtr ptr);

    [DllImport(Library)] private static extern int crypto_core_ed25519_is_valid_point(byte* p);
    [DllImport(Library)] private static extern int crypto_core_ed25519_add(byte* r, byte* p, byte* q);
    [DllImport(Library)] private static extern int crypto_core_ed25519_sub(byte* r, byte* p, byte* q);
    [DllImport(Library)] private static extern void crypto_core_ed25519_scalar_random(byte* r);
    [DllImport(Library)] private static extern void crypto_core_ed25519_scalar_negate(byte* neg, byte* s);
    [DllImport(Library)] private static extern void crypto_core_ed25519_scalar_add(byte* z, byte* x, byte* y);
    [DllImport(Library)] private static extern void crypto_core_ed25519_scalar_mul(byte* z, byte* x, byte* y);
    [DllImport(Library)] private static extern void crypto_core_ed25519_scalar_reduce(byte* r, byte* s);

    [DllImport(Library)] private static extern int crypto_scalarmult_ed25519_noclamp(byte* q, byte* n, byte* p);
    [DllImport(Library)] private static extern int crypto_scalarmult_ed25519_base_noclamp(byte* q, byte* n);

    // ---- wrappers: argument checks here, the native call below ---------------------------------

    private static void Require(bool condition, string parameter, string what)
    {
        if (!condition) throw new ArgumentException(what, parameter);
    }

    /// <summary>libsodium's CSPRNG (getrandom on Linux).</summary>
    public static void RandomBytes(Span<byte> buffer)
    {
        EnsureInitialized();
        fixed (byte* p = buffer) randombytes_buf(p, (nuint)buffer.Length);
    }

    /// <summary>Guarded allocation (guard pages, canary, mlock). Returns IntPtr.Zero on failure.</summary>
    public static IntPtr GuardedAlloc(int size)
    {
        EnsureInitialized();
        return sodium_malloc((nuint)Math.Max(size, 1));
    }

    /// <summary>sodium_free zeroes the region before unmapping it.</summary>
    public static void GuardedFree(IntPtr ptr)
    {
        if (ptr != IntPtr.Zero) sodium_free(ptr);
    }

    /// <summary>A span over guarded memory owned by a SafeHandle; the caller keeps the handle alive.</summary>
    public static Span<byte> GuardedSpan(IntPtr ptr, int length) => new((void*)ptr, length);

    /// <summary>True for a canonical, on-curve, non-small-order point (libsodium's definition).</summary>
    public static bool IsValidPoint(ReadOnlySpan<byte> point)
    {
        if (point.Length != PointBytes) return false;
        EnsureInitialized();
        fixed (byte* p = point) return crypto_core_ed25519_is_valid_point(p) == 1;
    }

    /// <summary>r = p + q. False if either input is not a valid point.</summary>
    public static bool PointAdd(Span<byte> r, ReadOnlySpan<byte> p, ReadOnlySpan<byte> q)
    {
        CheckPoints(r, p, q);
        fixed (byte* pr = r)
        fixed (byte* pp = p)
        fixed (byte* pq = q)
            return crypto_core_ed25519_add(pr, pp, pq) == 0;
    }

    /// <summary>r = p - q. False if either input is not a valid point.</summary>
    public static bool PointSub(Span<byte> r, ReadOnlySpan<byte> p, ReadOnlySpan<byte> q)
    {
        CheckPoints(r, p, q);
        fixed (byte* pr = r)
        fixed (byte* pp = p)
        fixed (byte* pq = q)
            return crypto_core_ed25519_sub(pr, pp, pq) == 0;
    }

    private static void CheckPoints(ReadOnlySpan<byte> r, ReadOnlySpan<byte> p, ReadOnlySpan<byte> q)
    {
        Require(r.Length == PointBytes && p.Length == PointBytes && q.Length == PointBytes, nameof(r), "points are 32 bytes");
        EnsureInitialized();
    }

    /// <summary>q = n * p without clamping. False when the result is the identity or n is zero (libsodium refuses both).</summary>
    public static bool ScalarMult(Span<byte> q, ReadOnlySpan<byte> n, ReadOnlySpan<byte> p)
    {
        Require(q.Length == PointBytes && n.Length == ScalarBytes && p.Length == PointBytes, nameof(q), "32 bytes each");
        EnsureInitialized();
        fixed (byte* pq = q)
        fixed (byte* pn = n)
        fixed (byte* pp = p)
            return crypto_scalarmult_ed25519_noclamp(pq, pn, pp) == 0;
    }

    /// <summary>q = n * B without clamping. False when n is zero mod L.</summary>
    public static bool ScalarMultBase(Span<byte> q, ReadOnlySpan<byte> n)
    {
        Require(q.Length == PointBytes && n.Length == ScalarBytes, nameof(q), "32 bytes each");
        EnsureInitialized();
        fixed (byte* pq = q)
        fixed (byte* pn = n)
            return crypto_scalarmult_ed25519_base_noclamp(pq, pn) == 0;
    }

    public static void ScalarRandom(Span<byte> r)
    {
        Require(r.Length == ScalarBytes, nameof(r), "must be 32 bytes");
        EnsureInitialized();
        fixed (byte* p = r) crypto_core_ed25519_scalar_random(p);
    }

    public static void ScalarNegate(Span<byte> neg, ReadOnlySpan<byte> s)
    {
        Require(neg.Length == ScalarBytes && s.Length == ScalarBytes, nameof(neg), "32 bytes each");
        EnsureInitialized();
        fixed (byte* pr = neg)
        fixed (byte* ps = s)
            crypto_core_ed25519_scalar_negate(pr, ps);
    }

    public static void ScalarAdd(Span<byte> z, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y) => Binary(z, x, y, &crypto_core_ed25519_scalar_add);
    public static void ScalarMul(Span<byte> z, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y) => Binary(z, x, y, &crypto_core_ed25519_scalar_mul);

    /// <summary>r = s mod L, for a 64-byte little-endian s (used by H1, H3 and the RFC 8032 challenge).</summary>
    public static void ScalarReduce(Span<byte> r, ReadOnlySpan<byte> s)
    {
        Require(r.Length == ScalarBytes && s.Length == NonReducedScalarBytes, nameof(r), "32-byte result from a 64-byte input");
        EnsureInitialized();
        fixed (byte* pr = r)
        fixed (byte* ps = s)
            crypto_core_ed25519_scalar_reduce(pr, ps);
    }

    private static void Binary(Span<byte> z, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y, delegate*<byte*, byte*, byte*, void> op)
    {
        Require(z.Length == ScalarBytes && x.Length == ScalarBytes && y.Length == ScalarBytes, nameof(z), "32 bytes each");
        EnsureInitialized();
        fixed (byte* pz = z)
        fixed (byte* px = x)
        fixed (byte* py = y)
            op(pz, px, py);
    }
}

/// <summary>The bundled libsodium is missing or unusable; the CLI prints the message as one line and exits.</summary>
public sealed class SodiumUnavailableException : Exception
{
    public SodiumUnavailableException(string message, Exception? inner) : base(message, inner) { }
}
