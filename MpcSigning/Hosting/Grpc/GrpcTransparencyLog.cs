using MpcSigning.Proto.TLog;
using MpcSigning.Proto.Trust;
using MpcSigning.TLog;
using MpcSigning.TLog.Checkpoints;
using InclusionProof = MpcSigning.TLog.InclusionProof;
using ConsistencyProof = MpcSigning.TLog.ConsistencyProof;

namespace MpcSigning.Hosting.Grpc;

/// <summary>
/// A node's transparency log read over its gRPC edge ('mpcsign tlog ... --node'): the same reads as the local log, for
/// the monitor and witness commands. Read only: appending is the node's own business.
/// </summary>
public sealed class GrpcTransparencyLog : ITransparencyLog
{
    private readonly GrpcNodeClient _client;

    private GrpcTransparencyLog(GrpcNodeClient client, LogIdentity identity, long size)
    {
        _client = client;
        Identity = identity;
        Size = size;
    }

    public LogIdentity Identity { get; }

    /// <summary>The tree size of the newest checkpoint when the log was opened.</summary>
    public long Size { get; }

    public static async Task<GrpcTransparencyLog> OpenAsync(GrpcNodeClient client)
    {
        var m = await client.LogIdentityAsync();
        var key = m.PublicKey.ToByteArray();
        var spki = LogKey.SpkiOf(key);
        var identity = new LogIdentity(m.Origin, m.KeyName, m.BaseUrl, key, spki, Crypto.Hashes.Sha256(spki));
        var note = await client.CheckpointAsync();
        var size = SignedNote.TryParse(note, out _) is { } signed && MpcSigning.TLog.Checkpoints.Checkpoint.TryParse(signed.Text, out _) is { } cp ? cp.Size
            : throw new TLogException(TLogErrorCode.InvalidArgument, $"the node at {client.Url} sent a checkpoint that does not parse");
        return new GrpcTransparencyLog(client, identity, size);
    }

    public Task<LogReceipt> AppendAsync(LogAppend entry, CancellationToken ct) =>
        throw new NotSupportedException("a client does not append to a node's log");

    public async Task<LogEntry?> GetAsync(long index, CancellationToken ct = default)
    {
        try
        {
            return ToEntry(await _client.EntryAsync(index), null);
        }
        catch (Cli.CliException) when (index >= Size)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<LogEntry>> FindByArtifactDigestAsync(string artifactDigestHex, CancellationToken ct = default) =>
        (await _client.FindLogEntriesAsync(Convert.FromHexString(artifactDigestHex))).Entries.Select(e => ToEntry(e, artifactDigestHex)).ToArray();

    public Task<string> LatestCheckpointAsync(CancellationToken ct = default) => _client.CheckpointAsync();

    public async Task<InclusionProof> ProveInclusionAsync(long index, long treeSize, CancellationToken ct = default)
    {
        var p = await _client.InclusionProofAsync(index, treeSize);
        return new InclusionProof(p.LogIndex, p.TreeSize, p.RootHash.ToByteArray(), p.Hashes.Select(h => h.ToByteArray()).ToArray());
    }

    public async Task<ConsistencyProof> ProveConsistencyAsync(long fromSize, long toSize, CancellationToken ct = default)
    {
        var p = await _client.ConsistencyProofAsync(fromSize, toSize);
        return new ConsistencyProof(p.FromSize, p.ToSize, p.FromRoot.ToByteArray(), p.ToRoot.ToByteArray(), p.Hashes.Select(h => h.ToByteArray()).ToArray());
    }

    private static LogEntry ToEntry(FoundLogEntry e, string? digestHex) => new(e.LogIndex, e.IntegratedTime, e.CanonicalBody.ToByteArray(),
        e.ArtifactDigestHex.Length > 0 ? e.ArtifactDigestHex : digestHex ?? "", e.SessionId, e.Attachment.ToByteArray());
}
