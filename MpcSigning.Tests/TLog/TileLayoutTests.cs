using System.Text.Json;
using MpcSigning.TLog.Merkle;
using MpcSigning.TLog.Tiles;

namespace MpcSigning.Tests.TLog;

/// <summary>tlog-tiles-vectors.json: index encoding, paths, tile rows per size, the size-8 partial tiles.</summary>
public class TileLayoutTests
{
    private static readonly JsonElement V = TlogVectors.Load("tlog-tiles-vectors.json");

    [Test]
    public void EncodeIndex_EveryVector_Matches()
    {
        foreach (var p in V.GetProperty("indexEncoding").EnumerateObject())
            Assert.That(TileLayout.EncodeIndex(long.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo(p.Value.GetString()));
    }

    [Test]
    public void Paths_Examples_Match()
    {
        var e = V.GetProperty("pathExamples");
        Assert.That(TileLayout.TilePath(0, 0), Is.EqualTo(e.GetProperty("level0_tile0_full").GetString()));
        Assert.That(TileLayout.TilePath(0, 0, 8), Is.EqualTo(e.GetProperty("level0_tile0_partial8").GetString()));
        Assert.That(TileLayout.TilePath(2, 1234067), Is.EqualTo(e.GetProperty("level2_tile1234067").GetString()));
        Assert.That(TileLayout.EntriesPath(1234067, 255), Is.EqualTo(e.GetProperty("entries_tile1234067_partial255").GetString()));
    }

    [Test]
    public void RowsForSize_EveryVector_Matches()
    {
        foreach (var p in V.GetProperty("tilesForTreeSize").EnumerateObject())
        {
            var rows = TileLayout.RowsForSize(long.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture));
            var want = p.Value.EnumerateArray().ToList();
            Assert.That(rows, Has.Count.EqualTo(want.Count), $"size {p.Name}");
            for (var i = 0; i < rows.Count; i++)
            {
                Assert.That(rows[i].Level, Is.EqualTo(want[i].GetProperty("level").GetInt32()));
                Assert.That(rows[i].FullTiles, Is.EqualTo(want[i].GetProperty("fullTiles").GetInt64()));
                Assert.That(rows[i].PartialWidth, Is.EqualTo(want[i].GetProperty("partialWidth").GetInt32()));
                Assert.That(rows[i].LastFullPath, Is.EqualTo(want[i].GetProperty("lastFull").GetString()));
                Assert.That(rows[i].PartialPath, Is.EqualTo(want[i].GetProperty("partial").GetString()));
            }
        }
    }

    [Test]
    public void ClassicTree_PartialTileAndEntryBundle_MatchVectors()
    {
        var c = V.GetProperty("classic8LeafTree");
        var tree = ClassicTreeTests.Build(8);
        var tile = Enumerable.Range(0, 8).SelectMany(i => tree.Node(0, i).ToArray()).ToArray();
        Assert.That(Convert.ToHexStringLower(tile), Is.EqualTo(c.GetProperty("tile/0/000.p/8_hex").GetString()));
        var inputs = TlogVectors.Load("rfc6962-classic-8leaf.json").GetProperty("leafInputsHex").EnumerateArray()
            .Select(x => Convert.FromHexString(x.GetString()!));
        Assert.That(Convert.ToHexStringLower(TileLayout.EncodeEntryBundle(inputs)), Is.EqualTo(c.GetProperty("tile/entries/000.p/8_hex").GetString()));
    }
}
