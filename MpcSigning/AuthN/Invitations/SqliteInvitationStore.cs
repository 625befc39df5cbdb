using Google.Protobuf;
using Microsoft.Data.Sqlite;
using MpcSigning.Proto.AuthN;
using MpcSigning.Storage.Sqlite;

namespace MpcSigning.AuthN.Invitations;

/// <summary><see cref="IInvitationStore"/> in the node's SQLite database, table <c>authn_invitations</c>.</summary>
public sealed class SqliteInvitationStore : IInvitationStore
{
    private const string Columns = "token_sha256, name, email, role, created_at_unix_ms, expires_at_unix_ms, consumed_at_unix_ms";
    private readonly SqliteDatabase _db;

    public SqliteInvitationStore(SqliteDatabase db)
    {
        _db = db ?? throw new ArgumentNullException(nameof(db));
        _db.Migrate("""
            CREATE TABLE IF NOT EXISTS authn_invitations (
                token_sha256 BLOB NOT NULL PRIMARY KEY CHECK (length(token_sha256) = 32),
                name TEXT NOT NULL CHECK (length(name) > 0),
                email TEXT NOT NULL,
                role INTEGER NOT NULL CHECK (role IN (1, 2)),
                created_at_unix_ms INTEGER NOT NULL,
                expires_at_unix_ms INTEGER NOT NULL,
                consumed_at_unix_ms INTEGER NOT NULL DEFAULT 0)
            """);
    }

    public void Add(Invitation invitation)
    {
        using var c = _db.Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"INSERT INTO authn_invitations ({Columns}) VALUES ($h, $name, $email, $role, $created, $expires, 0)";
        cmd.Parameters.AddWithValue("$h", invitation.TokenSha256.ToByteArray());
        cmd.Parameters.AddWithValue("$name", invitation.Name);
        cmd.Parameters.AddWithValue("$email", invitation.Email);
        cmd.Parameters.AddWithValue("$role", (int)invitation.Role);
        cmd.Parameters.AddWithValue("$created", invitation.CreatedAtUnixMs);
        cmd.Parameters.AddWithValue("$expires", invitation.ExpiresAtUnixMs);
        cmd.ExecuteNonQuery();
    }

    public Invitation? Find(byte[] tokenSha256)
    {
        using var c = _db.Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM authn_invitations WHERE token_sha256 = $h";
        cmd.Parameters.AddWithValue("$h", tokenSha256);
        using var r = cmd.ExecuteReader();
        if (!r.Read()) return null;
        return new Invitation
        {
            TokenSha256 = ByteString.CopyFrom((byte[])r.GetValue(0)), Name = r.GetString(1), Email = r.GetString(2), Role = (Role)r.GetInt32(3),
            CreatedAtUnixMs = r.GetInt64(4), ExpiresAtUnixMs = r.GetInt64(5), ConsumedAtUnixMs = r.GetInt64(6),
        };
    }

    public bool TryConsume(byte[] tokenSha256, long nowUnixMs)
    {
        using var c = _db.Connect();
        using var cmd = c.CreateCommand();
        // One conditional UPDATE: of two concurrent consumers only one sees consumed_at_unix_ms = 0.
        cmd.CommandText = "UPDATE authn_invitations SET consumed_at_unix_ms = $now WHERE token_sha256 = $h AND consumed_at_unix_ms = 0";
        cmd.Parameters.AddWithValue("$now", Math.Max(1, nowUnixMs));
        cmd.Parameters.AddWithValue("$h", tokenSha256);
        return cmd.ExecuteNonQuery() == 1;
    }
}
