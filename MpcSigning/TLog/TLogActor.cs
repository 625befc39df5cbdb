using Google.Protobuf;
using Akka.Actor;
using MpcSigning.Hosting;
using MpcSigning.Hosting.Cluster;
using MpcSigning.Proto.TLog;
using MpcSigning.Proto.Trust;

namespace MpcSigning.TLog;

/// <summary>
/// The log service. Appends are handed to the log's group-commit sequencer and answered when durable, so the actor
/// does not hold its mailbox across the fsync: many sessions share one batch.
/// </summary>
public sealed class TLogActor : ReceiveActor
{
    public TLogActor(ITransparencyLog log)
    {
        Receive<AppendEntry>(cmd =>
        {
            var replyTo = Sender;
            _ = AppendAsync(log, cmd, replyTo);
        });
        Receive<GetTrustMaterial>(cmd =>
        {
            var id = log.Identity;
            Sender.Tell(new LogTrustMaterial
            {
                RequestId = cmd.RequestId, Origin = id.Origin, KeyName = id.KeyName, BaseUrl = id.BaseUrl, PublicKey = ByteString.CopyFrom(id.PublicKey),
            });
            Audit.Record("tlog", "client", nameof(GetTrustMaterial), null, "ok", LinkAttestation.Of(Sender));
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
            Audit.Record("tlog", "client", nameof(FindLogEntries), null, $"{found.Entries.Count} entries", LinkAttestation.Of(Sender));
        });
    }

    private static async Task AppendAsync(ITransparencyLog log, AppendEntry cmd, IActorRef replyTo)
    {
        try
        {
            var receipt = await log.AppendAsync(TLogMessages.FromMessage(cmd), CancellationToken.None);
            CrashPoint.At("tlog-appended");
            replyTo.Tell(receipt.ToMessage(cmd.RequestId));
            Audit.Record("tlog", "coordinator", nameof(AppendEntry), cmd.SessionId, $"appended at {receipt.LogIndex}", LinkAttestation.Of(replyTo));
        }
        catch (TLogException e)
        {
            var code = "tlog." + e.Code.ToString().ToLowerInvariant();
            replyTo.Tell(new AppendFailed { RequestId = cmd.RequestId, Code = code, Message = e.Message });
            Audit.Record("tlog", "coordinator", nameof(AppendEntry), cmd.SessionId, "refused: " + code, LinkAttestation.Of(replyTo));
        }
    }
}
