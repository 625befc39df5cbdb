using Google.Protobuf;
using MpcSigning.Proto.TLog;

namespace MpcSigning.TLog;

/// <summary>Maps the log's contract records to and from their wire messages (proto/tlog.proto).</summary>
public static class TLogMessages
{
    public static AppendEntry ToMessage(this LogAppend e, string requestId) => new()
    {
        RequestId = requestId,
        CanonicalBody = ByteString.CopyFrom(e.CanonicalBody),
        ArtifactDigestHex = e.ArtifactDigestHex,
        SessionId = e.SessionId,
        Attachment = ByteString.CopyFrom(e.Attachment),
        IntegrateBeforeUnix = e.IntegrateBefore ?? 0,
    };

    public static LogAppend FromMessage(AppendEntry m) =>
        new(m.CanonicalBody.ToByteArray(), m.ArtifactDigestHex, m.SessionId, m.Attachment.ToByteArray())
        {
            IntegrateBefore = m.IntegrateBeforeUnix > 0 ? m.IntegrateBeforeUnix : null,
        };

    public static EntryAppended ToMessage(this LogReceipt r, string requestId)
    {
        var proof = new Proto.TLog.InclusionProof
        {
            LogIndex = r.InclusionProof.LogIndex,
            TreeSize = r.InclusionProof.TreeSize,
            RootHash = ByteString.CopyFrom(r.InclusionProof.RootHash),
        };
        proof.Hashes.AddRange(r.InclusionProof.Hashes.Select(ByteString.CopyFrom));
        return new EntryAppended
        {
            RequestId = requestId,
            LogIndex = r.LogIndex,
            IntegratedTime = r.IntegratedTime,
            LogId = ByteString.CopyFrom(r.LogId),
            SignedEntryTimestamp = ByteString.CopyFrom(r.SignedEntryTimestamp),
            InclusionProof = proof,
            SignedCheckpoint = r.SignedCheckpoint,
        };
    }

    public static LogReceipt FromMessage(EntryAppended m) =>
        new(m.LogIndex, m.IntegratedTime, m.LogId.ToByteArray(), m.SignedEntryTimestamp.ToByteArray(),
            new InclusionProof(m.InclusionProof.LogIndex, m.InclusionProof.TreeSize, m.InclusionProof.RootHash.ToByteArray(),
                m.InclusionProof.Hashes.Select(h => h.ToByteArray()).ToList()),
            m.SignedCheckpoint);
}
