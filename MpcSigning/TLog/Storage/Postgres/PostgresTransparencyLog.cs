using MpcSigning.Hosting;
using MpcSigning.Storage.Postgres;
using MpcSigning.TLog.Checkpoints;
using MpcSigning.TLog.Sequencer;

namespace MpcSigning.TLog.Storage.Postgres;

/// <summary>The log on a shared PostgreSQL database (<see cref="PostgresLogStore"/>), its key in a 0600 file in the data directory.</summary>
public sealed class PostgresTransparencyLog : TransparencyLog
{
    private PostgresTransparencyLog(PostgresLogStore store, LogKey key, TLogOptions options, TimeProvider? clock)
        : base(store, key, options, clock) { }

    public static PostgresTransparencyLog Open(DataDirectory dataDir, PostgresDatabase db, TLogOptions? options = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(dataDir);
        ArgumentNullException.ThrowIfNull(db);
        options ??= new TLogOptions();
        var key = LogKey.LoadOrCreate(dataDir.File(options.KeyFileName), options.Sealer);
        var store = new PostgresLogStore(db);
        try
        {
            return new PostgresTransparencyLog(store, key, options, clock);
        }
        catch
        {
            store.Dispose();
            key.Dispose();
            throw;
        }
    }
}
