using Microsoft.Data.Sqlite;
using MpcSigning.Proto.AuthN;

namespace MpcSigning.AuthN.Registry.Sqlite;

public sealed partial class SqliteParticipantRegistry
{
    public EnrollResult Enroll(Participant participant)
    {
        var p = ParticipantValidation.Normalize(participant, out var code, out var message);
        if (p is null) return EnrollResult.Refuse(code, message);
        if (p.RegisteredAtUnixMs == 0) p.RegisteredAtUnixMs = _clock.GetUtcNow().ToUnixTimeMilliseconds();

        using var c = _db.Connect();
        using var tx = c.BeginTransaction(); // BEGIN IMMEDIATE: the checks below see no concurrent enrollment
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
        Insert(c, tx, p);
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

    private static void Insert(SqliteConnection c, SqliteTransaction tx, Participant p)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"INSERT INTO authn_participants ({Columns}) VALUES ($email, $name, $role, $id, $key, $count, $at, $cose, $be, $bs, $aaguid, $fmt, $uh)";
        cmd.Parameters.AddWithValue("$email", p.Email);
        cmd.Parameters.AddWithValue("$name", p.Name);
        cmd.Parameters.AddWithValue("$role", (int)p.Role);
        cmd.Parameters.AddWithValue("$id", p.CredentialId.ToByteArray());
        cmd.Parameters.AddWithValue("$key", p.PublicKeySpki.ToByteArray());
        cmd.Parameters.AddWithValue("$count", (long)p.SignCount);
        cmd.Parameters.AddWithValue("$at", p.RegisteredAtUnixMs);
        cmd.Parameters.AddWithValue("$cose", p.CredentialPublicKeyCose.ToByteArray());
        cmd.Parameters.AddWithValue("$be", p.BackupEligible ? 1 : 0);
        cmd.Parameters.AddWithValue("$bs", p.BackedUp ? 1 : 0);
        cmd.Parameters.AddWithValue("$aaguid", p.Aaguid.ToByteArray());
        cmd.Parameters.AddWithValue("$fmt", p.AttestationFormat);
        cmd.Parameters.AddWithValue("$uh", p.UserHandle.ToByteArray());
        cmd.ExecuteNonQuery();
    }
}
