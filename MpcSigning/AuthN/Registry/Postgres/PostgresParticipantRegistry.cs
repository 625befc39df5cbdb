using Google.Protobuf;
using MpcSigning.Proto.AuthN;
using MpcSigning.Storage.Postgres;
using Npgsql;
using NpgsqlTypes;

namespace MpcSigning.AuthN.Registry.Postgres;

/// <summary>
/// <see cref="IParticipantRegistry"/> in a shared PostgreSQL database, table <c>authn_participants</c> (the same
/// columns and constraints as on SQLite). An enrollment takes a transaction-scoped advisory lock first, so its checks
/// and insert cannot interleave with another node's enrollment (SQLite gets the same from BEGIN IMMEDIATE); the
/// UNIQUE constraints back this up.
/// </summary>
public sealed class PostgresParticipantRegistry : IParticipantRegistry
{
    private const string Columns = "email, name, role, credential_id, public_key_spki, sign_count, registered_at_unix_ms, " +
        "credential_public_key_cose, backup_eligible, backed_up, aaguid, attestation_format, user_handle";
    private const long EnrollLock = 0x61757468_6e526567; // "authnReg"

    private readonly PostgresDatabase _db;
    private readonly TimeProvider _clock;

    public PostgresParticipantRegistry(PostgresDatabase db, TimeProvider? clock = null)
    {
        _db = db ?? throw new ArgumentNullException(nameof(db));
        _clock = clock ?? TimeProvider.System;
        _db.Migrate([
            """
            CREATE TABLE IF NOT EXISTS authn_participants (
                email TEXT NOT NULL PRIMARY KEY,
                name TEXT NOT NULL CHECK (length(name) > 0),
                role INTEGER NOT NULL CHECK (role IN (1, 2)),
                credential_id BYTEA NOT NULL UNIQUE,
                public_key_spki BYTEA NOT NULL,
                sign_count BIGINT NOT NULL CHECK (sign_count BETWEEN 0 AND 4294967295),
                registered_at_unix_ms BIGINT NOT NULL,
                credential_public_key_cose BYTEA NOT NULL DEFAULT ''::bytea,
                backup_eligible BOOLEAN NOT NULL DEFAULT false,
                backed_up BOOLEAN NOT NULL DEFAULT false,
                aaguid BYTEA NOT NULL DEFAULT ''::bytea,
                attestation_format TEXT NOT NULL DEFAULT '',
                user_handle BYTEA NOT NULL DEFAULT ''::bytea)
            """,
            // A table made before passkey registration lacks the credential columns (old rows: see Read).
            .. ParticipantColumns.Added.Select(a => $"ALTER TABLE authn_participants ADD COLUMN IF NOT EXISTS {a.Column} {a.Type.Postgres}")]);
    }

    public Participant? FindByCredentialId(byte[] credentialId)
    {
        ArgumentNullException.ThrowIfNull(credentialId);
        if (credentialId.Length == 0) return null;
        using var c = _db.Connect();
        return FindBy(c, null, "credential_id", credentialId);
    }

    public EnrollResult Enroll(Participant participant)
    {
        var p = ParticipantValidation.Normalize(participant, out var code, out var message);
        if (p is null) return EnrollResult.Refuse(code, message);
        if (p.RegisteredAtUnixMs == 0) p.RegisteredAtUnixMs = _clock.GetUtcNow().ToUnixTimeMilliseconds();

        using var c = _db.Connect();
        using var tx = c.BeginTransaction();
        PostgresDatabase.Execute(c, tx, $"SELECT pg_advisory_xact_lock({EnrollLock})");
        var existing = FindBy(c, tx, "email", p.Email);
        if (existing is not null)
        {
            var difference = Difference(existing, p);
            return difference is null
                ? new EnrollResult(EnrollStatus.AlreadyEnrolled, AuthNError.None, $"'{p.Email}' was already enrolled", existing)
                : EnrollResult.Refuse(AuthNError.DuplicateEmail,
                    $"'{p.Email}' is already enrolled with a different {difference}; nothing was changed. Enroll under " +
                    "another email, or remove the old enrollment first.");
        }
        var holder = FindBy(c, tx, "credential_id", p.CredentialId.ToByteArray());
        if (holder is not null)
            return EnrollResult.Refuse(AuthNError.DuplicateCredential,
                $"the credential id being enrolled for '{p.Email}' is already enrolled for '{holder.Email}' " +
                "(WebAuthn L3 section 7.1: a credential belongs to one account); create a new authenticator for this participant.");
        using (var cmd = new NpgsqlCommand($"INSERT INTO authn_participants ({Columns}) VALUES (@email, @name, @role, @id, @key, @count, @at, @cose, @be, @bs, @aaguid, @fmt, @uh)", c, tx))
        {
            cmd.Parameters.AddWithValue("email", p.Email);
            cmd.Parameters.AddWithValue("name", p.Name);
            cmd.Parameters.AddWithValue("role", (int)p.Role);
            cmd.Parameters.AddWithValue("id", NpgsqlDbType.Bytea, p.CredentialId.ToByteArray());
            cmd.Parameters.AddWithValue("key", NpgsqlDbType.Bytea, p.PublicKeySpki.ToByteArray());
            cmd.Parameters.AddWithValue("count", (long)p.SignCount);
            cmd.Parameters.AddWithValue("at", p.RegisteredAtUnixMs);
            cmd.Parameters.AddWithValue("cose", NpgsqlDbType.Bytea, p.CredentialPublicKeyCose.ToByteArray());
            cmd.Parameters.AddWithValue("be", p.BackupEligible);
            cmd.Parameters.AddWithValue("bs", p.BackedUp);
            cmd.Parameters.AddWithValue("aaguid", NpgsqlDbType.Bytea, p.Aaguid.ToByteArray());
            cmd.Parameters.AddWithValue("fmt", p.AttestationFormat);
            cmd.Parameters.AddWithValue("uh", NpgsqlDbType.Bytea, p.UserHandle.ToByteArray());
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
        return new EnrollResult(EnrollStatus.Enrolled, AuthNError.None, $"'{p.Email}' enrolled", p);
    }

    /// <summary>Which enrolled property differs, or null when the enrollment is identical (the counter and time may differ).</summary>
    private static string? Difference(Participant stored, Participant requested)
    {
        if (stored.CredentialId != requested.CredentialId || stored.PublicKeySpki != requested.PublicKeySpki ||
            stored.CredentialPublicKeyCose != requested.CredentialPublicKeyCose) return "credential";
        if (stored.Role != requested.Role) return $"role ({RoleNames.ToName(stored.Role)})";
        if (stored.Name != requested.Name) return $"name ('{stored.Name}')";
        return null;
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
        using var cmd = new NpgsqlCommand($"SELECT {Columns} FROM authn_participants ORDER BY email COLLATE \"C\"", c);
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
        // One UPDATE: the row lock it takes makes a concurrent one re-check the WHERE against the committed counter.
        return PostgresDatabase.Execute(c, null,
            "UPDATE authn_participants SET sign_count = @new WHERE email = @email AND sign_count = @old",
            ("new", (long)newCount), ("old", (long)expectedOld), ("email", normalized)) == 1;
    }

    private static Participant? FindBy(NpgsqlConnection c, NpgsqlTransaction? tx, string column, object value)
    {
        using var cmd = new NpgsqlCommand($"SELECT {Columns} FROM authn_participants WHERE {column} = @v", c, tx);
        cmd.Parameters.AddWithValue("v", value);
        using var r = cmd.ExecuteReader();
        return r.Read() ? Read(r) : null;
    }

    private static Participant Read(NpgsqlDataReader r) => ParticipantColumns.Complete(new()
    {
        Email = r.GetString(0),
        Name = r.GetString(1),
        Role = (Role)r.GetInt32(2),
        CredentialId = ByteString.CopyFrom((byte[])r.GetValue(3)),
        PublicKeySpki = ByteString.CopyFrom((byte[])r.GetValue(4)),
        SignCount = checked((uint)r.GetInt64(5)),
        RegisteredAtUnixMs = r.GetInt64(6),
        CredentialPublicKeyCose = ByteString.CopyFrom((byte[])r.GetValue(7)),
        BackupEligible = r.GetBoolean(8),
        BackedUp = r.GetBoolean(9),
        Aaguid = ByteString.CopyFrom((byte[])r.GetValue(10)),
        AttestationFormat = r.GetString(11),
        UserHandle = ByteString.CopyFrom((byte[])r.GetValue(12)),
    });
}
