using Google.Protobuf;
using Microsoft.Data.Sqlite;
using MpcSigning.Proto.AuthN;
using MpcSigning.Storage.Sqlite;

namespace MpcSigning.AuthN.Registry.Sqlite;

/// <summary>
/// <see cref="IParticipantRegistry"/> in the node's SQLite database, table <c>authn_participants</c>. Every
/// write runs in its own IMMEDIATE transaction (the write lock is taken at BEGIN), so checks and writes cannot
/// interleave with another connection's.
/// </summary>
public sealed partial class SqliteParticipantRegistry : IParticipantRegistry
{
    private const string Columns = "email, name, role, credential_id, public_key_spki, sign_count, registered_at_unix_ms, " +
        "credential_public_key_cose, backup_eligible, backed_up, aaguid, attestation_format, user_handle";

    private readonly SqliteDatabase _db;
    private readonly TimeProvider _clock;

    /// <summary>Opens the registry, creating its table if needed.</summary>
    /// <param name="clock">Stamps enrollments that arrive without a time; the system clock by default.</param>
    public SqliteParticipantRegistry(SqliteDatabase db, TimeProvider? clock = null)
    {
        _db = db ?? throw new ArgumentNullException(nameof(db));
        _clock = clock ?? TimeProvider.System;
        _db.Migrate("""
            CREATE TABLE IF NOT EXISTS authn_participants (
                email TEXT NOT NULL PRIMARY KEY,
                name TEXT NOT NULL CHECK (length(name) > 0),
                role INTEGER NOT NULL CHECK (role IN (1, 2)),
                credential_id BLOB NOT NULL UNIQUE,
                public_key_spki BLOB NOT NULL,
                sign_count INTEGER NOT NULL CHECK (sign_count BETWEEN 0 AND 4294967295),
                registered_at_unix_ms INTEGER NOT NULL,
                credential_public_key_cose BLOB NOT NULL DEFAULT x'',
                backup_eligible INTEGER NOT NULL DEFAULT 0,
                backed_up INTEGER NOT NULL DEFAULT 0,
                aaguid BLOB NOT NULL DEFAULT x'',
                attestation_format TEXT NOT NULL DEFAULT '',
                user_handle BLOB NOT NULL DEFAULT x'')
            """);
        // A table made before passkey registration lacks the credential columns: add them (old rows keep their
        // P-256 key, whose COSE form Read derives).
        using var c = _db.Connect();
        foreach (var (column, type) in ParticipantColumns.Added)
        {
            using var probe = c.CreateCommand();
            probe.CommandText = "SELECT COUNT(*) FROM pragma_table_info('authn_participants') WHERE name = $n";
            probe.Parameters.AddWithValue("$n", column);
            if ((long)probe.ExecuteScalar()! == 0)
                SqliteDatabase.Execute(c, $"ALTER TABLE authn_participants ADD COLUMN {column} {type.Sqlite}");
        }
    }

    public Participant? FindByCredentialId(byte[] credentialId)
    {
        ArgumentNullException.ThrowIfNull(credentialId);
        if (credentialId.Length == 0) return null;
        using var c = _db.Connect();
        return FindBy(c, null, "credential_id", credentialId);
    }

    public Participant? Find(string email)
    {
        var normalized = ParticipantEmail.TryNormalize(email, out _);
        if (normalized is null) return null;
        using var c = _db.Connect();
        return FindBy(c, null, "email", normalized);
    }

    public IReadOnlyList<Participant> List()
    {
        using var c = _db.Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM authn_participants ORDER BY email";
        using var r = cmd.ExecuteReader();
        var list = new List<Participant>();
        while (r.Read()) list.Add(Read(r));
        return list;
    }

    public bool TryAdvanceSignCount(string email, uint expectedOld, uint newCount)
    {
        var normalized = ParticipantEmail.TryNormalize(email, out _);
        if (normalized is null) return false;
        if (newCount <= expectedOld && !(newCount == 0 && expectedOld == 0)) return false;
        using var c = _db.Connect();
        using var cmd = c.CreateCommand();
        // One UPDATE is atomic in SQLite: the WHERE re-reads the counter under the write lock.
        cmd.CommandText = "UPDATE authn_participants SET sign_count = $new WHERE email = $email AND sign_count = $old";
        cmd.Parameters.AddWithValue("$new", (long)newCount);
        cmd.Parameters.AddWithValue("$old", (long)expectedOld);
        cmd.Parameters.AddWithValue("$email", normalized);
        return cmd.ExecuteNonQuery() == 1;
    }

    private static Participant? FindBy(SqliteConnection c, SqliteTransaction? tx, string column, object value)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"SELECT {Columns} FROM authn_participants WHERE {column} = $v";
        cmd.Parameters.AddWithValue("$v", value);
        using var r = cmd.ExecuteReader();
        return r.Read() ? Read(r) : null;
    }

    private static Participant Read(SqliteDataReader r) => ParticipantColumns.Complete(new()
    {
        Email = r.GetString(0),
        Name = r.GetString(1),
        Role = (Role)r.GetInt32(2),
        CredentialId = ByteString.CopyFrom((byte[])r.GetValue(3)),
        PublicKeySpki = ByteString.CopyFrom((byte[])r.GetValue(4)),
        SignCount = checked((uint)r.GetInt64(5)),
        RegisteredAtUnixMs = r.GetInt64(6),
        CredentialPublicKeyCose = ByteString.CopyFrom((byte[])r.GetValue(7)),
        BackupEligible = r.GetInt64(8) != 0,
        BackedUp = r.GetInt64(9) != 0,
        Aaguid = ByteString.CopyFrom((byte[])r.GetValue(10)),
        AttestationFormat = r.GetString(11),
        UserHandle = ByteString.CopyFrom((byte[])r.GetValue(12)),
    });
}
