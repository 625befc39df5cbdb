using Google.Protobuf;
using MpcSigning.AuthN.Invitations;
using MpcSigning.Proto.AuthN;
using MpcSigning.Storage.Postgres;
using MpcSigning.Storage.Sqlite;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.AuthN.Invitations;

/// <summary>Both invitation stores (SQLite file, PostgreSQL database): round trip, one consumption only, unknown hash.</summary>
[TestFixture("sqlite")]
[TestFixture("postgresql")]
public class InvitationStoreTests(string provider)
{
    private readonly List<IDisposable> _owned = [];

    [TearDown]
    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var d in Enumerable.Reverse(_owned)) d.Dispose();
        _owned.Clear();
    }

    private IInvitationStore Open()
    {
        if (provider == "sqlite")
        {
            var dir = new MpcSigning.Tests.AuthN.TempDir();
            _owned.Add(dir);
            return new SqliteInvitationStore(SqliteDatabase.Open(dir.File("node.db")));
        }
        var database = TestPostgres.CreateDatabase();
        _owned.Add(database);
        var db = PostgresDatabase.Open(database.ConnectionString);
        _owned.Add(db);
        return new PostgresInvitationStore(db);
    }

    [Test]
    public void Stored_invitation_is_consumed_once()
    {
        var store = Open();
        var (_, hash) = InvitationTokens.NewToken();
        var invitation = InvitationTokens.Create(hash, "Alice", "Alice@Example.org", Role.Steward, TimeSpan.FromHours(2),
            DateTimeOffset.Parse("2026-11-28T12:00:00Z"));
        store.Add(invitation);
        Assert.That(store.Find(hash), Is.EqualTo(invitation));
        Assert.That(store.Find(new byte[32]), Is.Null);
        Assert.That(store.TryConsume(hash, 1_800_000_000_000), Is.True);
        Assert.That(store.TryConsume(hash, 1_800_000_000_001), Is.False);
        Assert.That(store.Find(hash)!.ConsumedAtUnixMs, Is.EqualTo(1_800_000_000_000));
        Assert.That(store.TryConsume(new byte[32], 1), Is.False);
        Assert.That(() => store.Add(invitation), Throws.Exception, "the token hash is unique");
        Assert.That(invitation.Email, Is.EqualTo("alice@example.org"));
        Assert.That(invitation.TokenSha256, Is.EqualTo(ByteString.CopyFrom(hash)));
    }
}
