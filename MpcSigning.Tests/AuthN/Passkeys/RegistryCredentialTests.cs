using Google.Protobuf;
using Microsoft.Data.Sqlite;
using MpcSigning.AuthN.Passkeys;
using MpcSigning.AuthN.Registry.Sqlite;
using MpcSigning.AuthN.Software;
using MpcSigning.Storage.Sqlite;

namespace MpcSigning.Tests.AuthN.Passkeys;

/// <summary>The registry keeps what registration produced and finds a participant by credential id.</summary>
public class RegistryCredentialTests
{
    [Test]
    public void Enroll_RegisteredPasskey_RoundTripsEveryCredentialField()
    {
        using var f = new PasskeyFixture();
        var a = f.NewAuthenticator(algorithm: SoftwareAlgorithms.EdDsa);
        var outcome = f.Register(a, SoftwareAttestation.PackedSelf, SoftwareAuthenticator.Flags | Fido2NetLib.Objects.AuthenticatorFlags.BE);
        var stored = f.Registry.Registry.Enroll(outcome.Participant!).Participant!;
        Assert.That(f.Registry.Registry.Find(a.Email), Is.EqualTo(stored));
        Assert.That(stored.CredentialPublicKeyCose, Is.EqualTo(outcome.Participant!.CredentialPublicKeyCose));
        Assert.That((stored.BackupEligible, stored.AttestationFormat, stored.UserHandle), Is.EqualTo((true, "packed", outcome.Participant.UserHandle)));
    }

    [Test]
    public void FindByCredentialId_FindsTheOwnerOnly()
    {
        using var f = new PasskeyFixture();
        var a = f.NewAuthenticator();
        f.Enrol(a);
        Assert.That(f.Registry.Registry.FindByCredentialId(a.CredentialId)!.Email, Is.EqualTo("alice@example.org"));
        Assert.That(f.Registry.Registry.FindByCredentialId(new byte[32]), Is.Null);
        Assert.That(f.Registry.Registry.FindByCredentialId([]), Is.Null);
    }

    [Test]
    public void Open_TableFromBeforePasskeys_GainsTheColumnsAndOldRowsGetTheirCoseKey()
    {
        using var dir = new TempDir();
        var path = dir.File("node.db");
        var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        using (var c = new SqliteConnection($"Data Source={path}"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = """
                CREATE TABLE authn_participants (email TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL, role INTEGER NOT NULL,
                  credential_id BLOB NOT NULL UNIQUE, public_key_spki BLOB NOT NULL, sign_count INTEGER NOT NULL, registered_at_unix_ms INTEGER NOT NULL);
                INSERT INTO authn_participants VALUES ('old@example.org', 'Old', 1, $id, $spki, 3, 1);
                """;
            cmd.Parameters.AddWithValue("$id", new byte[32]);
            cmd.Parameters.AddWithValue("$spki", key.ExportSubjectPublicKeyInfo());
            cmd.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();
        var registry = new SqliteParticipantRegistry(SqliteDatabase.Open(path));
        var old = registry.Find("old@example.org")!;
        Assert.That(old.SignCount, Is.EqualTo(3));
        Assert.That(old.CredentialPublicKeyCose.ToByteArray(), Is.EqualTo(CoseKeys.FromSpki(key.ExportSubjectPublicKeyInfo())));
        Assert.That(registry.Enroll(RegistryFixture.NewParticipant()).Ok, Is.True, "new rows go into the added columns");
        SqliteConnection.ClearAllPools();
    }

    [Test]
    public void CoseKeys_EveryAlgorithm_RoundTripsThroughSpki()
    {
        foreach (var alg in SoftwareAlgorithms.All)
        {
            var (spki, pkcs8) = SoftwareAlgorithms.Generate(alg);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(pkcs8);
            var cose = CoseKeys.FromSpki(spki)!;
            Assert.That(CoseKeys.ToSpki(cose, out var coseAlg, out var problem), Is.EqualTo(spki), problem);
            Assert.That(coseAlg, Is.EqualTo(SoftwareAlgorithms.CoseAlgorithm(alg)));
        }
        Assert.That(CoseKeys.ToSpki(new byte[] { 0xa1, 0x01, 0x02 }, out _, out var why), Is.Null);
        Assert.That(why, Does.Contain("algorithm"));
    }

    /// <summary>
    /// Integers CBOR can carry but a COSE label (int) or value (long) cannot: refused with the reason, never an
    /// OverflowException (found by the bundle fuzz campaign, seed 0x1c0f9712e3879d87, a bundle's credential key).
    /// </summary>
    [TestCase("a11a8000000003", TestName = "CoseKeys_LabelBeyondInt32_IsRefusedWithTheReason")]
    [TestCase("a1031b8000000000000000", TestName = "CoseKeys_ValueBeyondInt64_IsRefusedWithTheReason")]
    [TestCase("a1033b8000000000000000", TestName = "CoseKeys_NegativeValueBeyondInt64_IsRefusedWithTheReason")]
    public void CoseKeys_IntegerOutOfRange_IsRefusedWithTheReason(string hex)
    {
        Assert.That(CoseKeys.ToSpki(Convert.FromHexString(hex), out _, out var why), Is.Null);
        Assert.That(why, Does.Contain("not a well-formed CBOR map of integer labels"));
    }
}
