using System.CommandLine;
using System.Text.Json;
using MpcSigning.TLog;
using MpcSigning.TLog.Checkpoints;
using MpcSigning.TLog.Merkle;

namespace MpcSigning.Cli;

public static partial class TLogCommands
{
    private static Command ProveCommand(Option<string?> dataDir, Option<bool> json)
    {
        var cmd = new Command("prove", "Print the RFC 9162 inclusion proof of an entry (against the newest tree, or --size).");
        var index = new Option<long>("--index") { Description = "Log index of the entry.", Required = true };
        var size = new Option<long?>("--size") { Description = "Tree size to prove against (default: newest)." };
        cmd.Options.Add(index);
        cmd.Options.Add(size);
        cmd.Options.Add(json);
        cmd.SetAction(pr => WithLog(pr, dataDir, async log =>
        {
            var p = await log.ProveInclusionAsync(pr.GetValue(index), pr.GetValue(size) ?? log.Size);
            PrintProof(pr.GetValue(json), "logIndex", p.LogIndex, p.TreeSize, [("rootHash", p.RootHash)], p.Hashes);
            return 0;
        }));
        return cmd;
    }

    private static Command ConsistencyCommand(Option<string?> dataDir, Option<bool> json)
    {
        var cmd = new Command("consistency", "Print the RFC 9162 consistency proof between two tree sizes.");
        var from = new Option<long>("--from") { Description = "Older tree size.", Required = true };
        var to = new Option<long>("--to") { Description = "Newer tree size.", Required = true };
        cmd.Options.Add(from);
        cmd.Options.Add(to);
        cmd.Options.Add(json);
        cmd.SetAction(pr => WithLog(pr, dataDir, async log =>
        {
            var c = await log.ProveConsistencyAsync(pr.GetValue(from), pr.GetValue(to));
            PrintProof(pr.GetValue(json), "fromSize", c.FromSize, c.ToSize, [("fromRoot", c.FromRoot), ("toRoot", c.ToRoot)], c.Hashes);
            return 0;
        }));
        return cmd;
    }

    private static void PrintProof(bool json, string firstName, long first, long treeSize, (string Name, byte[] Hash)[] roots, IReadOnlyList<byte[]> hashes)
    {
        if (!json)
        {
            Console.WriteLine($"{firstName} {first}\ntreeSize {treeSize}");
            foreach (var (n, h) in roots) Console.WriteLine($"{n} {B64(h)}");
            foreach (var h in hashes) Console.WriteLine(B64(h));
            return;
        }
        PrintJson(w =>
        {
            w.WriteStartObject();
            w.WriteNumber(firstName, first);
            w.WriteNumber(firstName == "fromSize" ? "toSize" : "treeSize", treeSize);
            foreach (var (n, h) in roots) w.WriteString(n, B64(h));
            w.WriteStartArray("hashes");
            foreach (var h in hashes) w.WriteStringValue(B64(h));
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static Command VerifyConsistencyCommand(Option<string?> dataDir, Option<bool> json)
    {
        var cmd = new Command("verify-consistency", "Check offline that the log only grew between two signed checkpoints.");
        var oldCp = new Option<string>("--old") { Description = "File with the older signed checkpoint.", Required = true };
        var newCp = new Option<string>("--new") { Description = "File with the newer signed checkpoint.", Required = true };
        var proofFile = new Option<string>("--proof") { Description = "File with the proof: 'tlog consistency --json' output, or one base64 hash per line.", Required = true };
        var vkey = new Option<string?>("--verifier-key") { Description = "The log's note verifier key (name+id+key); default: the local log's key." };
        cmd.Options.Add(oldCp);
        cmd.Options.Add(newCp);
        cmd.Options.Add(proofFile);
        cmd.Options.Add(vkey);
        cmd.Options.Add(json);
        cmd.SetAction(pr =>
        {
            if (pr.GetValue(vkey) is { } vk)
                return Guard(() => VerifyConsistency(pr, NoteKey.TryParse(vk, out var err) ?? throw new TLogException(TLogErrorCode.InvalidArgument, "--verifier-key: " + err), oldCp, newCp, proofFile, json));
            return WithLog(pr, dataDir, log => Task.FromResult(VerifyConsistency(pr, new NoteKey(log.Identity.KeyName, log.Identity.PublicKey), oldCp, newCp, proofFile, json)));
        });
        return cmd;
    }

    private static int VerifyConsistency(ParseResult pr, NoteKey key, Option<string> oldCp, Option<string> newCp, Option<string> proofFile, Option<bool> json)
    {
        var (oldPath, newPath) = (pr.GetValue(oldCp)!, pr.GetValue(newCp)!);
        var a = ReadCheckpoint(oldPath, "--old", key);
        var b = ReadCheckpoint(newPath, "--new", key);
        // One key may sign several logs: a proof relates two trees of one log only, named by the origin line.
        if (a.Origin != b.Origin)
            throw new TLogException(TLogErrorCode.InvalidCheckpoint,
                $"the checkpoints are of different logs: {oldPath} has origin '{a.Origin}', {newPath} has origin '{b.Origin}'; compare two checkpoints of the same log");
        var verdict = MerkleProofs.VerifyConsistency(a.Size, b.Size, ReadProof(pr.GetValue(proofFile)!), a.RootHash, b.RootHash);
        if (pr.GetValue(json))
            PrintJson(w =>
            {
                w.WriteStartObject();
                w.WriteBoolean("consistent", verdict.IsValid);
                w.WriteNumber("fromSize", a.Size);
                w.WriteNumber("toSize", b.Size);
                w.WriteString("detail", verdict.ToString());
                w.WriteEndObject();
            });
        if (!verdict.IsValid) throw new TLogException(TLogErrorCode.InvalidConsistencyProof, $"checkpoints {a.Size} -> {b.Size} are not consistent: {verdict}");
        if (!pr.GetValue(json)) Console.WriteLine($"consistent: {a.Origin} grew from {a.Size} to {b.Size} without rewriting history");
        return 0;
    }

    private static Checkpoint ReadCheckpoint(string path, string option, NoteKey key)
    {
        var cp = CheckpointSigner.Verify(Inputs.ReadText(path, option), key.PublicKey, key.Name, out var code, out var error);
        return cp ?? throw new TLogException(code, $"{path}: {error}");
    }

    private static List<byte[]> ReadProof(string path)
    {
        var text = Inputs.ReadText(path, "--proof").Trim();
        try
        {
            if (text.StartsWith('{'))
            {
                using var doc = JsonDocument.Parse(text);
                return doc.RootElement.GetProperty("hashes").EnumerateArray().Select(h => Convert.FromBase64String(h.GetString()!)).ToList();
            }
            return text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Convert.FromBase64String).ToList();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new FormatException($"--proof: '{path}' is neither 'tlog consistency --json' output nor one base64 hash per line ({e.Message})", e);
        }
    }
}
