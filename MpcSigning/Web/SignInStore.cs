using System.Buffers.Text;
using System.Security.Cryptography;

namespace MpcSigning.Web;

/// <summary>
/// The web sign-in's server-side state, in memory on the node: pending sign-in challenges (random 32 bytes, single use,
/// <see cref="ChallengeLifetime"/>, at most <see cref="MaxPendingChallenges"/>) and signed-in browsers (a random 32-byte
/// token in a cookie, kept here only as its SHA-256, mapped to the participant's email for <see cref="SessionLifetime"/>,
/// at most <see cref="MaxSignedIn"/>; when full, the session closest to expiry is dropped). Thread-safe.
/// </summary>
internal sealed class SignInStore(TimeProvider clock)
{
    public static readonly TimeSpan ChallengeLifetime = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(8);
    public const int MaxPendingChallenges = 1000;
    public const int MaxSignedIn = 10_000;

    private readonly Dictionary<string, DateTimeOffset> _challenges = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Email, DateTimeOffset Expires)> _sessions = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>A fresh challenge, or null when <see cref="MaxPendingChallenges"/> are pending (try again shortly).</summary>
    public byte[]? IssueChallenge()
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            if (_challenges.Count >= MaxPendingChallenges) Prune(_challenges, e => e <= now);
            if (_challenges.Count >= MaxPendingChallenges) return null;
            var challenge = RandomNumberGenerator.GetBytes(32);
            _challenges[Base64Url.EncodeToString(challenge)] = now + ChallengeLifetime;
            return challenge;
        }
    }

    /// <summary>True once for a challenge this store issued and that has not expired; it is forgotten either way.</summary>
    public bool ConsumeChallenge(byte[] challenge)
    {
        var now = clock.GetUtcNow();
        lock (_lock)
            return _challenges.Remove(Base64Url.EncodeToString(challenge), out var expires) && now < expires;
    }

    /// <summary>Signs <paramref name="email"/> in: the cookie token (base64url of 32 random bytes).</summary>
    public string SignIn(string email)
    {
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            if (_sessions.Count >= MaxSignedIn) Prune(_sessions, s => s.Expires <= now);
            if (_sessions.Count >= MaxSignedIn) _sessions.Remove(_sessions.MinBy(kv => kv.Value.Expires).Key);
            _sessions[Key(token)] = (email, now + SessionLifetime);
        }
        return token;
    }

    /// <summary>The signed-in email for a cookie token, or null (unknown, forged or expired).</summary>
    public string? Who(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 64) return null;
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            var key = Key(token);
            if (!_sessions.TryGetValue(key, out var s)) return null;
            if (now < s.Expires) return s.Email;
            _sessions.Remove(key);
            return null;
        }
    }

    public void SignOut(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 64) return;
        lock (_lock) _sessions.Remove(Key(token));
    }

    private static string Key(string token) => Convert.ToBase64String(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));

    private static void Prune<T>(Dictionary<string, T> d, Func<T, bool> expired)
    {
        foreach (var k in d.Where(kv => expired(kv.Value)).Select(kv => kv.Key).ToList()) d.Remove(k);
    }
}
