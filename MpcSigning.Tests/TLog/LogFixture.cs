using MpcSigning.Hosting;
using MpcSigning.TLog;
using MpcSigning.TLog.Storage.Sqlite;

namespace MpcSigning.Tests.TLog;

/// <summary>A fresh data directory per test, removed afterwards.</summary>
public sealed class TempDataDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mpcsign-tlog-" + Guid.NewGuid().ToString("N"));

    public DataDirectory Open() => DataDirectory.Open(Path);

    public SqliteTransparencyLog OpenLog(TLogOptions? options = null, TimeProvider? clock = null) =>
        SqliteTransparencyLog.Open(Open(), options, clock);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }

    public static LogAppend Entry(int i, string? digest = null) =>
        new(System.Text.Encoding.UTF8.GetBytes($"{{\"entry\":{i}}}"), digest ?? $"{i:x64}", $"session-{i}", [(byte)i]);
}
