using Google.Protobuf;
using MpcSigning.AuthN.Passkeys;
using MpcSigning.Proto.AuthN;

namespace MpcSigning.AuthN.Registry;

/// <summary>What the SQLite and PostgreSQL registries share about the credential columns added with passkey registration.</summary>
internal static class ParticipantColumns
{
    /// <summary>The columns added to a table made before them, with their SQLite and PostgreSQL types and defaults.</summary>
    public static readonly (string Column, (string Sqlite, string Postgres) Type)[] Added =
    [
        ("credential_public_key_cose", ("BLOB NOT NULL DEFAULT x''", "BYTEA NOT NULL DEFAULT ''::bytea")),
        ("backup_eligible", ("INTEGER NOT NULL DEFAULT 0", "BOOLEAN NOT NULL DEFAULT false")),
        ("backed_up", ("INTEGER NOT NULL DEFAULT 0", "BOOLEAN NOT NULL DEFAULT false")),
        ("aaguid", ("BLOB NOT NULL DEFAULT x''", "BYTEA NOT NULL DEFAULT ''::bytea")),
        ("attestation_format", ("TEXT NOT NULL DEFAULT ''", "TEXT NOT NULL DEFAULT ''")),
        ("user_handle", ("BLOB NOT NULL DEFAULT x''", "BYTEA NOT NULL DEFAULT ''::bytea")),
    ];

    /// <summary>A row enrolled before COSE keys were stored holds its SPKI only: give it its COSE form.</summary>
    public static Participant Complete(Participant p)
    {
        // Not a key CoseKeys knows: the COSE key stays empty and verification refuses it as invalid.
        if (p.CredentialPublicKeyCose.IsEmpty && CoseKeys.FromSpki(p.PublicKeySpki.Span) is { } cose)
            p.CredentialPublicKeyCose = ByteString.CopyFrom(cose);
        return p;
    }
}
