using System.CommandLine;
using System.Text.Json;
using MpcSigning.TLog;
using MpcSigning.TLog.Checkpoints;

namespace MpcSigning.Cli;

public static partial class TLogCommands
{
    private static Command CheckpointCommand(Option<string?> dataDir, Option<bool> json)
    {
        var cmd = new Command("checkpoint", "Print the newest signed checkpoint (C2SP signed note) and the log's key.");
        cmd.Options.Add(json);
        cmd.SetAction(pr => WithLog(pr, dataDir, async log =>
        {
            var note = await log.LatestCheckpointAsync();
            var cp = Checkpoint.TryParse(SignedNote.TryParse(note, out _)!.Text, out _)!;
            var id = log.Identity;
            if (!pr.GetValue(json)) { Console.Write(note); return 0; }
            PrintJson(w =>
            {
                w.WriteStartObject();
                w.WriteString("origin", cp.Origin);
                w.WriteNumber("treeSize", cp.Size);
                w.WriteString("rootHash", B64(cp.RootHash));
                w.WriteString("checkpoint", note);
                w.WriteString("logId", Convert.ToHexStringLower(id.LogId));
                w.WriteString("verifierKey", new NoteKey(id.KeyName, id.PublicKey).VerifierKey);
                w.WriteString("publicKeySpki", B64(id.SubjectPublicKeyInfo));
                w.WriteEndObject();
            });
            return 0;
        }));
        return cmd;
    }

    private static Command GetCommand(Option<string?> dataDir, Option<bool> json)
    {
        var cmd = new Command("get", "Print a log entry by index, or every entry for an artifact digest (oldest first).");
        var index = new Option<long?>("--index") { Description = "Log index of the entry." };
        var digest = new Option<string?>("--artifact-digest") { Description = "Hex SHA-256 of the artifact." };
        cmd.Options.Add(index);
        cmd.Options.Add(digest);
        cmd.Options.Add(json);
        cmd.SetAction(pr => WithLog(pr, dataDir, async log =>
        {
            var (i, d) = (pr.GetValue(index), pr.GetValue(digest));
            if (i is null == d is null) throw new TLogException(TLogErrorCode.InvalidArgument, "give exactly one of --index N or --artifact-digest HEX.");
            var entries = i is { } n ? [await log.GetAsync(n) ?? throw new TLogException(TLogErrorCode.NotFound, $"no entry at index {n}; the log has {log.Size} entries.")]
                : await log.FindByArtifactDigestAsync(d!);
            if (entries.Count == 0) throw new TLogException(TLogErrorCode.NotFound, $"no entry for artifact digest {d}.");
            if (!pr.GetValue(json))
            {
                foreach (var e in entries)
                    Console.WriteLine($"index {e.LogIndex}  integrated {DateTimeOffset.FromUnixTimeSeconds(e.IntegratedTime):u}  session {e.SessionId}  digest {e.ArtifactDigestHex}\n{System.Text.Encoding.UTF8.GetString(e.CanonicalBody)}");
                return 0;
            }
            PrintJson(w =>
            {
                w.WriteStartArray();
                foreach (var e in entries)
                {
                    w.WriteStartObject();
                    w.WriteNumber("logIndex", e.LogIndex);
                    w.WriteNumber("integratedTime", e.IntegratedTime);
                    w.WriteString("sessionId", e.SessionId);
                    w.WriteString("artifactDigest", e.ArtifactDigestHex);
                    w.WriteString("canonicalizedBody", B64(e.CanonicalBody));
                    w.WriteString("leafHash", B64(TLog.Merkle.Rfc9162.HashLeaf(e.CanonicalBody)));
                    w.WriteNumber("attachmentBytes", e.Attachment.Length);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            });
            return 0;
        }));
        return cmd;
    }
}
