using System.Text;

namespace MpcSigning.TLog.Tiles;

/// <summary>One tile row of a tree size: how many full tiles, and the width of the trailing partial one.</summary>
public sealed record TileRow(int Level, long FullTiles, int PartialWidth)
{
    public string? LastFullPath => FullTiles == 0 ? null : TileLayout.TilePath(Level, FullTiles - 1);

    public string? PartialPath => PartialWidth == 0 ? null : TileLayout.TilePath(Level, FullTiles, PartialWidth);
}

/// <summary>
/// C2SP tlog-tiles layout: a tile at level L holds up to 256 consecutive hashes of tree level 8L; tile
/// indices are written in 3-digit groups, every group but the last prefixed with "x"; a partial tile of width
/// W gets the suffix ".p/W". Entry bundles hold the entries of one level-0 tile.
/// </summary>
public static class TileLayout
{
    public const int Height = 8;
    public const int Width = 1 << Height;

    /// <summary>"1234067" -> "x001/x234/067" (C2SP tlog-tiles, "Tile index" encoding).</summary>
    public static string EncodeIndex(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var groups = new List<string>();
        do
        {
            groups.Add((index % 1000).ToString("D3", System.Globalization.CultureInfo.InvariantCulture));
            index /= 1000;
        } while (index > 0);
        var sb = new StringBuilder();
        for (var i = groups.Count - 1; i >= 0; i--)
        {
            if (i > 0) sb.Append('x').Append(groups[i]).Append('/');
            else sb.Append(groups[i]);
        }
        return sb.ToString();
    }

    public static string TilePath(int level, long index, int partialWidth = 0) =>
        $"tile/{level}/{EncodeIndex(index)}{Partial(partialWidth)}";

    public static string EntriesPath(long index, int partialWidth = 0) =>
        $"tile/entries/{EncodeIndex(index)}{Partial(partialWidth)}";

    private static string Partial(int width)
    {
        if (width < 0 || width >= Width) throw new ArgumentOutOfRangeException(nameof(width), width, "a partial tile is 1..255 wide (0 = full)");
        return width == 0 ? "" : $".p/{width}";
    }

    /// <summary>The tile rows a client needs for a tree of this size, lowest level first; none for size 0.</summary>
    public static IReadOnlyList<TileRow> RowsForSize(long treeSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(treeSize);
        var rows = new List<TileRow>();
        for (var level = 0; ; level++)
        {
            var nodes = treeSize >> (Height * level);
            if (nodes == 0) break;
            rows.Add(new TileRow(level, nodes / Width, (int)(nodes % Width)));
        }
        return rows;
    }

    /// <summary>Entry bundle encoding: for each entry, uint16 big-endian length then the bytes.</summary>
    public static byte[] EncodeEntryBundle(IEnumerable<byte[]> entries)
    {
        using var ms = new MemoryStream();
        foreach (var e in entries)
        {
            if (e.Length > ushort.MaxValue) throw new ArgumentException($"entry of {e.Length} bytes exceeds the 65535-byte bundle limit", nameof(entries));
            ms.WriteByte((byte)(e.Length >> 8));
            ms.WriteByte((byte)e.Length);
            ms.Write(e);
        }
        return ms.ToArray();
    }
}
