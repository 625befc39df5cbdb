using System.Globalization;
using System.Text;

namespace MpcSigning.TLog.Rekor;

/// <summary>
/// The small slice of RFC 8785 canonical JSON that Rekor bodies and signed entry timestamps need: objects
/// written with keys already in sorted order, no whitespace, strings escaped only where RFC 8785 section
/// 3.2.2.2 demands (so base64 '+' and '/' stay literal, unlike System.Text.Json's default encoder).
/// </summary>
internal sealed class CanonicalJson
{
    private readonly StringBuilder _sb = new();

    public CanonicalJson Raw(string s) { _sb.Append(s); return this; }

    public CanonicalJson Key(string name) { String(name); _sb.Append(':'); return this; }

    public CanonicalJson Number(long n) { _sb.Append(n.ToString(CultureInfo.InvariantCulture)); return this; }

    public CanonicalJson String(string s)
    {
        _sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': _sb.Append("\\\""); break;
                case '\\': _sb.Append("\\\\"); break;
                case '\b': _sb.Append("\\b"); break;
                case '\f': _sb.Append("\\f"); break;
                case '\n': _sb.Append("\\n"); break;
                case '\r': _sb.Append("\\r"); break;
                case '\t': _sb.Append("\\t"); break;
                default:
                    if (c < 0x20) _sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else _sb.Append(c);
                    break;
            }
        }
        _sb.Append('"');
        return this;
    }

    public byte[] ToUtf8() => Encoding.UTF8.GetBytes(_sb.ToString());

    public override string ToString() => _sb.ToString();
}
