using Google.Protobuf;
using MpcSigning.Actors;
using MpcSigning.Hosting;
using MpcSigning.Proto.Common;
using MpcSigning.Proto.TLog;

namespace MpcSigning.TLog;

/// <summary>
/// The log service. Appends are handed to the log's group-commit sequencer and answered when durable, so the actor
/// does not hold its mailbox across the fsync: many sessions share one batch.
/// </summary>
public sealed class TLogActor : ReceiveActor
{
    public TLogActor(ITransparencyLog log)
    {
        Receive<AppendLogEntry>(cmd =>
        {
            var replyTo = Sender;
            _ = AppendAsync(log, cmd, replyTo);
        });
        ReceiveAsync<FindLogEntries>(async cmd =>
        {
            var found = new LogEntriesFound { RequestId = cmd.RequestId };
            foreach (var e in await log.FindByArtifactDigestAsync(cmd.ArtifactDigestHex.ToLowerInvariant()))
            {
                found.Entries.Add(new FoundLogEntry
                {
                    LogIndex = e.LogIndex, IntegratedTime = e.IntegratedTime, SessionId = e.SessionId,
                    Attachment = ByteString.CopyFrom(e.Attachment), CanonicalBody = ByteString.CopyFrom(e.CanonicalBody),
                });
            }
            Sender.Tell(found);
            Audit.Record("tlog", "client", nameof(FindLogEntries), null, $"{found.Entries.Count} entries");
        });
    }

    private static async Task AppendAsync(ITransparencyLog log, AppendLogEntry cmd, IActorRef replyTo)
    {
        try
        {
            var r = await log.AppendAsync(new LogAppend(cmd.CanonicalBody.ToByteArray(), cmd.ArtifactDigestHex, cmd.SessionId,
                cmd.Attachment.ToByteArray()), CancellationToken.None);
            var proof = new InclusionProofMessage
            {
                LogIndex = r.InclusionProof.LogIndex, TreeSize = r.InclusionProof.TreeSize,
                RootHash = ByteString.CopyFrom(r.InclusionProof.RootHash),
            };
            proof.Hashes.AddRange(r.InclusionProof.Hashes.Select(ByteString.CopyFrom));
            replyTo.Tell(new LogEntryAppended
            {
                RequestId = cmd.RequestId, LogIndex = r.LogIndex, IntegratedTime = r.IntegratedTime, LogId = ByteString.CopyFrom(r.LogId),
                SignedEntryTimestamp = ByteString.CopyFrom(r.SignedEntryTimestamp), InclusionProof = proof, SignedCheckpoint = r.SignedCheckpoint,
            });
            Audit.Record("tlog", "coordinator", nameof(AppendLogEntry), cmd.SessionId, $"appended at {r.LogIndex}");
        }
        catch (TLogException e)
        {
            var code = "tlog." + e.Code.ToString().ToLowerInvariant();
            replyTo.Tell(new Rejected { RequestId = cmd.RequestId, Error = new ErrorInfo { Code = code, Message = e.Message } });
            Audit.Record("tlog", "coordinator", nameof(AppendLogEntry), cmd.SessionId, "refused: " + code);
        }
    }

    /// <summary>Maps the wire reply back to the log module's receipt (for the bundle writer).</summary>
    public static LogReceipt ToReceipt(LogEntryAppended a) => new(a.LogIndex, a.IntegratedTime, a.LogId.ToByteArray(),
        a.SignedEntryTimestamp.ToByteArray(),
        new InclusionProof(a.InclusionProof.LogIndex, a.InclusionProof.TreeSize, a.InclusionProof.RootHash.ToByteArray(),
            a.InclusionProof.Hashes.Select(h => h.ToByteArray()).ToArray()),
        a.SignedCheckpoint);
}
