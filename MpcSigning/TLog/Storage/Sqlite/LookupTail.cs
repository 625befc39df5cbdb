using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace MpcSigning.TLog.Storage.Sqlite;

/// <summary>
/// The 64-bit key of a session id or artifact digest in the lookup tables: the first 8 bytes of SHA-256 of its
/// UTF-8 text. Two strings may share a key; every lookup therefore compares the stored string too.
/// </summary>
internal static class LookupKey
{
    public static long Of(string text)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (max <= 512)
        {
            Span<byte> utf8 = stackalloc byte[max];
            SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(text, utf8)], hash);
        }
        else
        {
            SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        }
        return BinaryPrimitives.ReadInt64BigEndian(hash);
    }
}

/// <summary>
/// Committed entries whose lookup rows (session and digest) are not yet all in the lookup tables: every index from
/// <see cref="Start"/> (the tables' watermark) to <see cref="End"/>. Only the keys are kept (about 90 bytes an
/// entry); a match is a candidate index whose stored row the caller compares. The log's writer adds and drops;
/// readers only ask, so every member takes the lock.
/// </summary>
internal sealed class LookupTail
{
    /// <summary>One entry's keys and, per key, the previous tail entry with the same key (or -1).</summary>
    private readonly record struct Keys(long Session, long Digest, long PreviousSameSession, long PreviousSameDigest);

    private readonly object _gate = new();
    private readonly List<Keys> _entries = [];
    private readonly Dictionary<long, long> _lastBySession = [];
    private readonly Dictionary<long, long> _lastByDigest = [];
    private long _start;

    public long Start
    {
        get { lock (_gate) return _start; }
    }

    public long End
    {
        get { lock (_gate) return _start + _entries.Count; }
    }

    public int Count
    {
        get { lock (_gate) return _entries.Count; }
    }

    /// <summary>Empties the tail and sets its watermark (on open).</summary>
    public void Reset(long start)
    {
        lock (_gate)
        {
            _entries.Clear();
            _lastBySession.Clear();
            _lastByDigest.Clear();
            _start = start;
        }
    }

    /// <summary>Adds committed entries; the first must be at <see cref="End"/> and they must be consecutive.</summary>
    public void Add(IReadOnlyList<(long Index, long SessionKey, long DigestKey)> committed)
    {
        lock (_gate)
        {
            foreach (var (index, session, digest) in committed)
            {
                if (index != _start + _entries.Count)
                    throw new InvalidOperationException($"lookup tail expects index {_start + _entries.Count}, got {index}");
                var previousSession = _lastBySession.TryGetValue(session, out var s) ? s : -1;
                var previousDigest = _lastByDigest.TryGetValue(digest, out var d) ? d : -1;
                _entries.Add(new Keys(session, digest, previousSession, previousDigest));
                _lastBySession[session] = index;
                _lastByDigest[digest] = index;
            }
        }
    }

    /// <summary>Tail indices whose session key is <paramref name="key"/>, newest first.</summary>
    public List<long> BySession(long key) => Walk(key, session: true);

    /// <summary>Tail indices whose digest key is <paramref name="key"/>, newest first.</summary>
    public List<long> ByDigest(long key) => Walk(key, session: false);

    private List<long> Walk(long key, bool session)
    {
        lock (_gate)
        {
            if (!(session ? _lastBySession : _lastByDigest).TryGetValue(key, out var i)) return [];
            var found = new List<long>();
            for (; i >= _start; )
            {
                found.Add(i);
                var k = _entries[(int)(i - _start)];
                i = session ? k.PreviousSameSession : k.PreviousSameDigest;
            }
            return found;
        }
    }

    /// <summary>
    /// The (key, index) rows of entries [<see cref="Start"/>, <paramref name="end"/>), sorted by key then index: the
    /// order in which they are written to a lookup table, so that consecutive rows share leaf pages.
    /// </summary>
    public ((long Key, long Index)[] Sessions, (long Key, long Index)[] Digests) SortedRows(long end)
    {
        lock (_gate)
        {
            var n = (int)(end - _start);
            var sessions = new (long, long)[n];
            var digests = new (long, long)[n];
            for (var i = 0; i < n; i++)
            {
                sessions[i] = (_entries[i].Session, _start + i);
                digests[i] = (_entries[i].Digest, _start + i);
            }
            Array.Sort(sessions);
            Array.Sort(digests);
            return (sessions, digests);
        }
    }

    /// <summary>Forgets the entries below <paramref name="newStart"/>: their rows are now committed in the lookup tables.</summary>
    public void DropBelow(long newStart)
    {
        lock (_gate)
        {
            var n = (int)(newStart - _start);
            for (var i = 0; i < n; i++)
            {
                var k = _entries[i];
                var index = _start + i;
                if (_lastBySession.TryGetValue(k.Session, out var s) && s == index) _lastBySession.Remove(k.Session);
                if (_lastByDigest.TryGetValue(k.Digest, out var d) && d == index) _lastByDigest.Remove(k.Digest);
            }
            _entries.RemoveRange(0, n);
            _start = newStart;
        }
    }
}
