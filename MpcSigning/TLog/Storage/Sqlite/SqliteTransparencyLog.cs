using MpcSigning.Hosting;
using MpcSigning.Storage.Sqlite;
using MpcSigning.TLog.Checkpoints;
using MpcSigning.TLog.Sequencer;

namespace MpcSigning.TLog.Storage.Sqlite;

/// <summary>The log on the node's embedded SQLite database, its key in a 0600 file in the data directory.</summary>
public sealed class SqliteTransparencyLog : TransparencyLog
{
    /// <summary>Default database file name when the caller does not share the node's database.</summary>
    public const string DefaultDatabaseFile = "mpcsign.db";

    private SqliteTransparencyLog(SqliteDatabase db, LogKey key, TLogOptions options, TimeProvider? clock)
        : base(new SqliteLogStore(db), key, options, clock) { }

    /// <summary>Opens (creating on first start) the log: its tlog_* tables in <paramref name="db"/> and its key file.</summary>
    public static SqliteTransparencyLog Open(DataDirectory dataDir, SqliteDatabase db, TLogOptions? options = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(dataDir);
        ArgumentNullException.ThrowIfNull(db);
        options ??= new TLogOptions();
        var key = LogKey.LoadOrCreate(dataDir.File(options.KeyFileName), options.Sealer);
        try
        {
            return new SqliteTransparencyLog(db, key, options, clock);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Opens the log in <c>mpcsign.db</c> of the data directory.</summary>
    public static SqliteTransparencyLog Open(DataDirectory dataDir, TLogOptions? options = null, TimeProvider? clock = null) =>
        Open(dataDir, SqliteDatabase.Open(dataDir.File(DefaultDatabaseFile)), options, clock);
}
