using System.Security.Cryptography;
using Google.Protobuf;
using MpcSigning.AuthN.Registry.Sqlite;
using MpcSigning.Proto.AuthN;
using MpcSigning.Storage.Sqlite;

namespace MpcSigning.Tests.AuthN;

/// <summary>A registry over a fresh SQLite file, and participants with real P-256 keys.</summary>
internal sealed class RegistryFixture : IDisposable
{
    private readonly TempDir _dir = new();

    public SqliteDatabase Db { get; }
    public SqliteParticipantRegistry Registry { get; }

    public RegistryFixture()
    {
        Db = SqliteDatabase.Open(_dir.File("node.db"));
        Registry = new SqliteParticipantRegistry(Db);
    }

    public static Participant NewParticipant(string email = "alice@example.org", Role role = Role.Engineer, string name = "Alice")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new Participant
        {
            Name = name, Email = email, Role = role,
            CredentialId = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32)),
            PublicKeySpki = ByteString.CopyFrom(key.ExportSubjectPublicKeyInfo()),
            CredentialPublicKeyCose = ByteString.CopyFrom(MpcSigning.AuthN.Passkeys.CoseKeys.FromSpki(key.ExportSubjectPublicKeyInfo())!),
            RegisteredAtUnixMs = 1_700_000_000_000,
        };
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); // release the file before the folder is deleted
        _dir.Dispose();
    }
}
