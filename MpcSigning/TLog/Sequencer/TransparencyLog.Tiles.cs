using MpcSigning.TLog.Merkle;
using MpcSigning.TLog.Storage;
using MpcSigning.TLog.Tiles;

namespace MpcSigning.TLog.Sequencer;

public partial class TransparencyLog
{
    /// <summary>
    /// The tiles whose content changed when the tree grew from <paramref name="oldSize"/> to
    /// <paramref name="newSize"/>: at tile level L, the tiles holding level-8L nodes that became complete.
    /// Partial tiles are rewritten whole as they fill (C2SP tlog-tiles: a tile's prefix never changes).
    /// </summary>
    private List<TileWrite> TilesTouched(long oldSize, long newSize)
    {
        var writes = new List<TileWrite>();
        for (var tileLevel = 0; ; tileLevel++)
        {
            var level = TileLayout.Height * tileLevel;
            var before = oldSize >> level;
            var after = newSize >> level;
            if (after == before) break;
            for (var t = before / TileLayout.Width; t <= (after - 1) / TileLayout.Width; t++)
            {
                var first = t * TileLayout.Width;
                var width = (int)Math.Min(TileLayout.Width, after - first);
                var hashes = new byte[width * Rfc9162.HashSize];
                for (var i = 0; i < width; i++)
                    _levels.Node(level, first + i).CopyTo(hashes.AsSpan(i * Rfc9162.HashSize));
                writes.Add(new TileWrite(tileLevel, t, hashes));
            }
        }
        return writes;
    }
}
