using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Proto.AuthN;

namespace MpcSigning.AuthN;

/// <summary>
/// The verdicts of <see cref="Approvals.Reverify"/> this process has already reached, so that the services of one
/// process that each re-check a session's approvals (its signers, its CA) verify each approval's WebAuthn signature
/// once, not once per service. A verdict is keyed by SHA-256 over everything the check reads: the whole approval record,
/// the challenge and the relying party's settings; any other bytes are a different key and are verified anew. Only
/// successes are kept (a failure is recomputed, so it is always reported with its own message), and a check that is
/// under way is shared: a second service asking meanwhile waits for it rather than verifying the same bytes again.
/// Everything else each service checks itself (registry, roles, credential ids, the quorum rule). Bounded: past
/// <see cref="Capacity"/> verdicts the oldest half is forgotten (they are only re-verified if asked again).
/// </summary>
public sealed class ApprovalVerdicts
{
    public const int Capacity = 4096;

    private readonly ConcurrentDictionary<string, Lazy<Task<AssertionResult>>> _verdicts = new();
    private readonly ConcurrentQueue<string> _order = new();

    /// <summary>The approval's verdict: shared with a check already under way or done, else verified on the thread pool.</summary>
    public async Task<AssertionResult> ReverifyAsync(ApprovalRecord record, byte[] challenge, RelyingParty rp)
    {
        var key = Key(record, challenge, rp);
        var created = false;
        var entry = _verdicts.GetOrAdd(key, _ =>
        {
            created = true;
            return new Lazy<Task<AssertionResult>>(() => Task.Run(() => Approvals.Reverify(record, challenge, rp)));
        });
        if (created) Track(key);
        try
        {
            var result = await entry.Value.ConfigureAwait(false);
            if (!result.Ok) _verdicts.TryRemove(KeyValuePair.Create(key, entry));
            return result;
        }
        catch
        {
            _verdicts.TryRemove(KeyValuePair.Create(key, entry));
            throw;
        }
    }

    /// <summary>The approval's verdict, synchronously: a success this process reached before, else verified here.</summary>
    public AssertionResult Reverify(ApprovalRecord record, byte[] challenge, RelyingParty rp)
    {
        var key = Key(record, challenge, rp);
        if (_verdicts.TryGetValue(key, out var known) && known.IsValueCreated && known.Value.IsCompletedSuccessfully && known.Value.Result.Ok)
            return known.Value.Result;
        var result = Approvals.Reverify(record, challenge, rp);
        if (result.Ok && _verdicts.TryAdd(key, new Lazy<Task<AssertionResult>>(Task.FromResult(result)))) Track(key);
        return result;
    }

    /// <summary>Verdicts held now (tests).</summary>
    public int Count => _verdicts.Count;

    private void Track(string key)
    {
        _order.Enqueue(key);
        if (_order.Count <= Capacity) return;
        for (var i = 0; i < Capacity / 2 && _order.TryDequeue(out var old); i++) _verdicts.TryRemove(old, out _);
    }

    private static string Key(ApprovalRecord record, byte[] challenge, RelyingParty rp)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Put(ReadOnlySpan<byte> bytes)
        {
            Span<byte> length = stackalloc byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }
        Put("mpcsign/approval-verdict/v1"u8);
        Put(record.ToByteArray());
        Put(challenge);
        Put(Encoding.UTF8.GetBytes(rp.RpId));
        Put([rp.RequireUserVerification ? (byte)1 : (byte)0]);
        Put(BitConverter.GetBytes(rp.AllowedOrigins.Count));
        foreach (var o in rp.AllowedOrigins) Put(Encoding.UTF8.GetBytes(o));
        Put(BitConverter.GetBytes(rp.AllowedTopOrigins.Count));
        foreach (var o in rp.AllowedTopOrigins) Put(Encoding.UTF8.GetBytes(o));
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
