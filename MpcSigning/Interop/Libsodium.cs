using System.Reflection;
using System.Runtime.InteropServices;

namespace MpcSigning.Interop;

/// <summary>
/// Every libsodium function mpcsign uses, and nothing else. This is the only file that binds
/// libsodium; callers go through the span-based wrappers at the bottom, never the raw externs.
///
/// Bound (sodium.h, by header):
///   core.h              sodium_init
///   randombytes.h       randombytes_buf
///   utils.h             sodium_memzero, sodium_memcmp, sodium_malloc, sodium_free
///   crypto_sign_ed25519.h  crypto_sign_ed25519_keypair, _seed_keypair, _detached, _verify_detached, _sk_to_pk
///   crypto_hash_sha256.h / crypto_hash_sha512.h  one-shot hashes, and SHA-512 init/update/final
///   crypto_core_ed25519.h  is_valid_point, add, sub, from_uniform, scalar_{random,invert,negate,
///                          complement,add,sub,mul,reduce}
///   crypto_scalarmult_ed25519.h  crypto_scalarmult_ed25519_noclamp, _base_noclamp
/// </summary>
internal static unsafe class Sodium
{
    private const string Library = "libsodium";

    // Debian 12 ships libsodium.so.23 (1.0.18); newer distributions ship .so.26.
    private static readonly string[] Candidates = { "libsodium.so.26", "libsodium.so.23", "libsodium" };

    public const int Ed25519PublicKeyBytes = 32;
    public const int Ed25519SecretKeyBytes = 64;
    public const int Ed25519SeedBytes = 32;
    public const int Ed25519SignatureBytes = 64;
    public const int Sha256Bytes = 32;
    public const int Sha512Bytes = 64;
    public const int PointBytes = 32;
    public const int ScalarBytes = 32;
    public const int NonReducedScalarBytes = 64;
    public const int Sha512StateBytes = 208;

    private static readonly object Gate = new();
    private static bool _initialized;

    static Sodium()
    {
        NativeLibrary.SetDllImportResolver(typeof(Sodium).Assembly, Resolve);
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Library) return IntPtr.Zero;
        foreach (var candidate in Candidates)
        {
            if (NativeLibrary.TryLoad(candidate, assembly, path, out var handle)) return handle;
        }
        return IntPtr.Zero;
    }

    /// <summary>Loads libsodium and calls sodium_init once. Throws <see cref="SodiumUnavailableException"/> if it cannot.</summary>
    public static void EnsureInitialized()
    {
        if (Volatile.Read(ref _initialized)) return;
        lock (Gate)
        {
            if (_initialized) return;
            int rc;
            try
            {
                rc = sodium_init();
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
            {
                throw new SodiumUnavailableException(
                    "libsodium could not be loaded (tried " + string.Join(", ", Candidates) +
                    "): install it with 'apt-get install libsodium23' on Debian/Ubuntu.", e);
            }
            // 0 = initialized now, 1 = already initialized; -1 = failure.
            if (rc < 0) throw new SodiumUnavailableException("libsodium was found but sodium_init() failed.", null);
            _initialized = true;
        }
    }

    // ---- raw bindings -------------------------------------------------------------------------

    [DllImport(Library)] private static extern int sodium_init();
    [DllImport(Library)] private static extern void randombytes_buf(byte* buf, nuint size);
    [DllImport(Library)] private static extern void sodium_memzero(byte* pnt, nuint len);
    [DllImport(Library)] private static extern int sodium_memcmp(byte* b1, byte* b2, nuint len);
    [DllImport(Library)] private static extern IntPtr sodium_malloc(nuint size);
    [DllImport(Library)] private static extern void sodium_free(IntPtr ptr);

    [DllImport(Library)] private static extern int crypto_sign_ed25519_keypair(byte* pk, byte* sk);
    [DllImport(Library)] private static extern int crypto_sign_ed25519_seed_keypair(byte* pk, byte* sk, byte* seed);
    [DllImport(Library)] private static extern int crypto_sign_ed25519_detached(byte* sig, ulong* siglen, byte* m, ulong mlen, byte* sk);
    [DllImport(Library)] private static extern int crypto_sign_ed25519_verify_detached(byte* sig, byte* m, ulong mlen, byte* pk);
    [DllImport(Library)] private static extern int crypto_sign_ed25519_sk_to_pk(byte* pk, byte* sk);

    [DllImport(Library)] private static extern int crypto_hash_sha256(byte* @out, byte* @in, ulong inlen);
    [DllImport(Library)] private static extern int crypto_hash_sha512(byte* @out, byte* @in, ulong inlen);
    [DllImport(Library)] private static extern int crypto_hash_sha512_init(byte* state);
    [DllImport(Library)] private static extern int crypto_hash_sha512_update(byte* state, byte* @in, ulong inlen);
    [DllImport(Library)] private static extern int crypto_hash_sha512_final(byte* state, byte* @out);

    [DllImport(Library)] private static extern int crypto_core_ed25519_is_valid_point(byte* p);
    [DllImport(Library)] private static extern int crypto_core_ed25519_add(byte* r, byte* p, byte* q);
    [DllImport(Library)] private static extern int crypto_core_ed25519_sub(byte* r, byte* p, byte* q);
    [DllImport(Library)] private static extern int crypto_core_ed25519_from_uniform(byte* p, byte* r);
    [DllImport(Library)] private static extern void crypto_core_ed25519_scalar_random(byte* r);
    [DllImport(Library)] private static extern int crypto_core_ed25519_scalar_invert(byte* recip, byte* s);
    [DllImport(Library)] private static extern void crypto_core_ed25519_scalar_negate(byte* neg, byte* s);
    [DllImport(Library)] private static extern void crypto_core_ed25519_scalar_complement(byte* comp, byte* s);
    [DllImport(Library)] private static extern void crypto_core_ed25519_scalar_add(byte* z, byte* x, byte* y);
    [DllImport(Library)] private static extern void crypto_core_ed25519_scalar_sub(byte* z, byte* x, byte* y);
    [DllImport(Library)] private static extern void crypto_core_ed25519_scalar_mul(byte* z, byte* x, byte* y);
    [DllImport(Library)] private static extern void crypto_core_ed25519_scalar_reduce(byte* r, byte* s);

    [DllImport(Library)] private static extern int crypto_scalarmult_ed25519_noclamp(byte* q, byte* n, byte* p);
    [DllImport(Library)] private static extern int crypto_scalarmult_ed25519_base_noclamp(byte* q, byte* n);

    // ---- wrappers: argument checks here, the native call below ---------------------------------

    private static void Require(bool condition, string parameter, string what)
    {
        if (!condition) throw new ArgumentException(what, parameter);
    }

    public static void RandomBytes(Span<byte> buffer)
    {
        EnsureInitialized();
        fixed (byte* p = buffer) randombytes_buf(p, (nuint)buffer.Length);
    }

    public static void MemZero(Span<byte> buffer)
    {
        EnsureInitialized();
        fixed (byte* p = buffer) sodium_memzero(p, (nuint)buffer.Length);
    }

    /// <summary>Constant-time comparison; false when lengths differ.</summary>
    public static bool FixedTimeEquals(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        EnsureInitialized();
        if (a.Length != b.Length) return false;
        if (a.Length == 0) return true;
        fixed (byte* pa = a)
        fixed (byte* pb = b)
            return sodium_memcmp(pa, pb, (nuint)a.Length) == 0;
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

    public static void Ed25519KeyPair(Span<byte> publicKey, Span<byte> secretKey)
    {
        Require(publicKey.Length == Ed25519PublicKeyBytes, nameof(publicKey), "must be 32 bytes");
        Require(secretKey.Length == Ed25519SecretKeyBytes, nameof(secretKey), "must be 64 bytes");
        EnsureInitialized();
        fixed (byte* pk = publicKey)
        fixed (byte* sk = secretKey)
            crypto_sign_ed25519_keypair(pk, sk);
    }

    public static void Ed25519SeedKeyPair(Span<byte> publicKey, Span<byte> secretKey, ReadOnlySpan<byte> seed)
    {
        Require(publicKey.Length == Ed25519PublicKeyBytes, nameof(publicKey), "must be 32 bytes");
        Require(secretKey.Length == Ed25519SecretKeyBytes, nameof(secretKey), "must be 64 bytes");
        Require(seed.Length == Ed25519SeedBytes, nameof(seed), "must be 32 bytes");
        EnsureInitialized();
        fixed (byte* pk = publicKey)
        fixed (byte* sk = secretKey)
        fixed (byte* s = seed)
            crypto_sign_ed25519_seed_keypair(pk, sk, s);
    }

    public static void Ed25519Sign(Span<byte> signature, ReadOnlySpan<byte> message, ReadOnlySpan<byte> secretKey)
    {
        Require(signature.Length == Ed25519SignatureBytes, nameof(signature), "must be 64 bytes");
        Require(secretKey.Length == Ed25519SecretKeyBytes, nameof(secretKey), "must be 64 bytes");
        EnsureInitialized();
        fixed (byte* sig = signature)
        fixed (byte* m = message)
        fixed (byte* sk = secretKey)
            crypto_sign_ed25519_detached(sig, null, m, (ulong)message.Length, sk);
    }

    /// <summary>RFC 8032 verification (libsodium rejects small-order and non-canonical encodings).</summary>
    public static bool Ed25519Verify(ReadOnlySpan<byte> signature, ReadOnlySpan<byte> message, ReadOnlySpan<byte> publicKey)
    {
        if (signature.Length != Ed25519SignatureBytes || publicKey.Length != Ed25519PublicKeyBytes) return false;
        EnsureInitialized();
        fixed (byte* sig = signature)
        fixed (byte* m = message)
        fixed (byte* pk = publicKey)
            return crypto_sign_ed25519_verify_detached(sig, m, (ulong)message.Length, pk) == 0;
    }

    public static void Ed25519SecretKeyToPublicKey(Span<byte> publicKey, ReadOnlySpan<byte> secretKey)
    {
        Require(publicKey.Length == Ed25519PublicKeyBytes, nameof(publicKey), "must be 32 bytes");
        Require(secretKey.Length == Ed25519SecretKeyBytes, nameof(secretKey), "must be 64 bytes");
        EnsureInitialized();
        fixed (byte* pk = publicKey)
        fixed (byte* sk = secretKey)
            crypto_sign_ed25519_sk_to_pk(pk, sk);
    }

    public static void Sha256(Span<byte> digest, ReadOnlySpan<byte> data)
    {
        Require(digest.Length == Sha256Bytes, nameof(digest), "must be 32 bytes");
        EnsureInitialized();
        fixed (byte* o = digest)
        fixed (byte* i = data)
            crypto_hash_sha256(o, i, (ulong)data.Length);
    }

    public static void Sha512(Span<byte> digest, ReadOnlySpan<byte> data)
    {
        Require(digest.Length == Sha512Bytes, nameof(digest), "must be 64 bytes");
        EnsureInitialized();
        fixed (byte* o = digest)
        fixed (byte* i = data)
            crypto_hash_sha512(o, i, (ulong)data.Length);
    }

    public static void Sha512Init(Span<byte> state)
    {
        Require(state.Length >= Sha512StateBytes, nameof(state), "must hold crypto_hash_sha512_state");
        EnsureInitialized();
        fixed (byte* s = state) crypto_hash_sha512_init(s);
    }

    public static void Sha512Update(Span<byte> state, ReadOnlySpan<byte> data)
    {
        Require(state.Length >= Sha512StateBytes, nameof(state), "must hold crypto_hash_sha512_state");
        fixed (byte* s = state)
        fixed (byte* i = data)
            crypto_hash_sha512_update(s, i, (ulong)data.Length);
    }

    public static void Sha512Final(Span<byte> state, Span<byte> digest)
    {
        Require(state.Length >= Sha512StateBytes, nameof(state), "must hold crypto_hash_sha512_state");
        Require(digest.Length == Sha512Bytes, nameof(digest), "must be 64 bytes");
        fixed (byte* s = state)
        fixed (byte* o = digest)
            crypto_hash_sha512_final(s, o);
    }

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

    public static void PointFromUniform(Span<byte> point, ReadOnlySpan<byte> uniform)
    {
        Require(point.Length == PointBytes && uniform.Length == 32, nameof(point), "32 bytes each");
        EnsureInitialized();
        fixed (byte* p = point)
        fixed (byte* u = uniform)
            crypto_core_ed25519_from_uniform(p, u);
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

    /// <summary>recip = 1/s mod L. False when s is zero.</summary>
    public static bool ScalarInvert(Span<byte> recip, ReadOnlySpan<byte> s)
    {
        Require(recip.Length == ScalarBytes && s.Length == ScalarBytes, nameof(recip), "32 bytes each");
        EnsureInitialized();
        fixed (byte* r = recip)
        fixed (byte* ps = s)
            return crypto_core_ed25519_scalar_invert(r, ps) == 0;
    }

    public static void ScalarNegate(Span<byte> neg, ReadOnlySpan<byte> s) => Unary(neg, s, &crypto_core_ed25519_scalar_negate);
    public static void ScalarComplement(Span<byte> comp, ReadOnlySpan<byte> s) => Unary(comp, s, &crypto_core_ed25519_scalar_complement);
    public static void ScalarAdd(Span<byte> z, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y) => Binary(z, x, y, &crypto_core_ed25519_scalar_add);
    public static void ScalarSub(Span<byte> z, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y) => Binary(z, x, y, &crypto_core_ed25519_scalar_sub);
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

    private static void Unary(Span<byte> r, ReadOnlySpan<byte> s, delegate*<byte*, byte*, void> op)
    {
        Require(r.Length == ScalarBytes && s.Length == ScalarBytes, nameof(r), "32 bytes each");
        EnsureInitialized();
        fixed (byte* pr = r)
        fixed (byte* ps = s)
            op(pr, ps);
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

/// <summary>libsodium is missing or unusable; the CLI prints the message as one line and exits.</summary>
public sealed class SodiumUnavailableException : Exception
{
    public SodiumUnavailableException(string message, Exception? inner) : base(message, inner) { }
}
