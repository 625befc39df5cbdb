using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MpcSigning.Tests.Fuzzing;

/// <summary>A JSON value kept as written: members in order (duplicates kept), numbers and literals as their raw text.</summary>
internal abstract class JNode;

internal sealed class JObject(List<KeyValuePair<string, JNode>> members) : JNode
{
    public List<KeyValuePair<string, JNode>> Members { get; } = members;
}

internal sealed class JArray(List<JNode> items) : JNode
{
    public List<JNode> Items { get; } = items;
}

internal sealed class JString(string value) : JNode
{
    public string Value { get; } = value;
}

/// <summary>A number, true, false or null, as raw JSON text.</summary>
internal sealed class JRaw(string raw) : JNode
{
    public string Raw { get; } = raw;
}

/// <summary>What to do to one node while writing the tree back out.</summary>
internal enum JEditKind
{
    Replace,
    Drop,
    Duplicate,
    Rename,
    Reorder,
}

/// <param name="Target">The node edited (a value; for Drop/Duplicate/Rename, the member or item holding it).</param>
/// <param name="Value">Raw JSON bytes replacing the value (Replace; Duplicate's second copy when not null).</param>
/// <param name="Key">The new member name (Rename).</param>
/// <param name="ValueFirst">Duplicate: write the replaced copy before the original.</param>
/// <param name="Order">Reorder: the permutation of the target object's members.</param>
internal sealed record JEdit(JNode Target, JEditKind Kind, byte[]? Value = null, string? Key = null, bool ValueFirst = false, int[]? Order = null);

/// <summary>A parsed document with every node listed in document order, for picking mutation targets.</summary>
internal sealed class JDoc
{
    private static readonly JavaScriptEncoder Relaxed = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public JNode Root { get; }
    public IReadOnlyList<JNode> Nodes { get; }
    public byte[] Original { get; }

    private JDoc(JNode root, List<JNode> nodes, byte[] original) => (Root, Nodes, Original) = (root, nodes, original);

    public static JDoc Parse(byte[] utf8)
    {
        using var doc = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = 256 });
        var nodes = new List<JNode>();
        var root = Build(doc.RootElement, nodes);
        return new JDoc(root, nodes, utf8);
    }

    /// <summary>The document, or null when the bytes are not JSON (so a caller mutates them as bytes instead).</summary>
    public static JDoc? TryParse(byte[] utf8)
    {
        try
        {
            return Parse(utf8);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not JSON, or a string that is no valid UTF-8/UTF-16 text (which the tree cannot hold as a string).
            return null;
        }
    }

    private static JNode Build(JsonElement e, List<JNode> nodes)
    {
        JNode node;
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                var members = new List<KeyValuePair<string, JNode>>();
                node = new JObject(members);
                nodes.Add(node);
                foreach (var p in e.EnumerateObject()) members.Add(new(p.Name, Build(p.Value, nodes)));
                return node;
            case JsonValueKind.Array:
                var items = new List<JNode>();
                node = new JArray(items);
                nodes.Add(node);
                foreach (var x in e.EnumerateArray()) items.Add(Build(x, nodes));
                return node;
            case JsonValueKind.String:
                node = new JString(e.GetString()!);
                break;
            default:
                node = new JRaw(e.GetRawText());
                break;
        }
        nodes.Add(node);
        return node;
    }

    /// <summary>Writes the tree with one edit applied (or none); compact, or with whitespace after separators.</summary>
    public byte[] Write(JEdit? edit, bool spaced = false)
    {
        var w = new JWriter(spaced);
        if (edit is { Target: var t, Kind: JEditKind.Replace } && ReferenceEquals(t, Root)) w.Raw(edit.Value!);
        else Write(w, Root, edit);
        return w.ToArray();
    }

    /// <summary>One node (and its subtree) as compact JSON.</summary>
    public static byte[] WriteNode(JNode node)
    {
        var w = new JWriter(false);
        Write(w, node, null);
        return w.ToArray();
    }

    private static void Write(JWriter w, JNode node, JEdit? edit)
    {
        switch (node)
        {
            case JObject o:
            {
                w.Byte((byte)'{');
                var order = edit is { Kind: JEditKind.Reorder } && ReferenceEquals(edit.Target, o) ? edit.Order! : null;
                var first = true;
                for (var k = 0; k < o.Members.Count; k++)
                {
                    var (key, value) = o.Members[order is null ? k : order[k]];
                    if (edit is not null && ReferenceEquals(edit.Target, value) && edit.Kind != JEditKind.Reorder)
                    {
                        switch (edit.Kind)
                        {
                            case JEditKind.Drop:
                                continue;
                            case JEditKind.Rename:
                                Member(w, ref first, edit.Key!, () => Write(w, value, null));
                                continue;
                            case JEditKind.Replace:
                                Member(w, ref first, key, () => w.Raw(edit.Value!));
                                continue;
                            case JEditKind.Duplicate:
                                Action original = () => Write(w, value, null);
                                Action copy = edit.Value is { } v ? () => w.Raw(v) : original;
                                Member(w, ref first, key, edit.ValueFirst ? copy : original);
                                Member(w, ref first, key, edit.ValueFirst ? original : copy);
                                continue;
                        }
                    }
                    Member(w, ref first, key, () => Write(w, value, edit));
                }
                w.Byte((byte)'}');
                return;
            }
            case JArray a:
            {
                w.Byte((byte)'[');
                var first = true;
                foreach (var item in a.Items)
                {
                    if (edit is not null && ReferenceEquals(edit.Target, item) && edit.Kind != JEditKind.Reorder)
                    {
                        switch (edit.Kind)
                        {
                            case JEditKind.Drop:
                                continue;
                            case JEditKind.Replace or JEditKind.Rename:
                                Item(w, ref first, () => w.Raw(edit.Value ?? "null"u8.ToArray()));
                                continue;
                            case JEditKind.Duplicate:
                                Action original = () => Write(w, item, null);
                                Action copy = edit.Value is { } v ? () => w.Raw(v) : original;
                                Item(w, ref first, edit.ValueFirst ? copy : original);
                                Item(w, ref first, edit.ValueFirst ? original : copy);
                                continue;
                        }
                    }
                    Item(w, ref first, () => Write(w, item, edit));
                }
                w.Byte((byte)']');
                return;
            }
            case JString s:
                w.String(s.Value);
                return;
            case JRaw r:
                w.Raw(Encoding.UTF8.GetBytes(r.Raw));
                return;
        }
    }

    private static void Member(JWriter w, ref bool first, string key, Action value)
    {
        if (!first) w.Separator((byte)',');
        first = false;
        w.String(key);
        w.Separator((byte)':');
        value();
    }

    private static void Item(JWriter w, ref bool first, Action value)
    {
        if (!first) w.Separator((byte)',');
        first = false;
        value();
    }

    /// <summary>A JSON string literal for <paramref name="s"/> (quotes included), as UTF-8.</summary>
    public static byte[] Quote(string s)
    {
        var w = new JWriter(false);
        w.String(s);
        return w.ToArray();
    }

    private sealed class JWriter(bool spaced)
    {
        private readonly MemoryStream _ms = new();

        public void Byte(byte b) => _ms.WriteByte(b);

        public void Raw(ReadOnlySpan<byte> b) => _ms.Write(b);

        public void Separator(byte b)
        {
            _ms.WriteByte(b);
            if (spaced) _ms.Write(" \n\t"u8[..(b == ':' ? 1 : 2)]);
        }

        public void String(string s)
        {
            _ms.WriteByte((byte)'"');
            try
            {
                _ms.Write(JsonEncodedText.Encode(s, Relaxed).EncodedUtf8Bytes);
            }
            catch (ArgumentException)
            {
                // A mutated string may hold an unpaired surrogate, which the encoder refuses: write it as \uXXXX
                // escapes instead, a JSON text that decodes to exactly that string (itself an input worth fuzzing).
                foreach (var c in s)
                {
                    if (char.IsSurrogate(c) || c < 0x20 || c is '"' or '\\') _ms.Write(Encoding.ASCII.GetBytes($"\\u{(int)c:x4}"));
                    else _ms.Write(Encoding.UTF8.GetBytes(c.ToString()));
                }
            }
            _ms.WriteByte((byte)'"');
        }

        public byte[] ToArray() => _ms.ToArray();
    }
}
