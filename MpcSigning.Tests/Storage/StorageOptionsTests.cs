using MpcSigning.Hosting;
using MpcSigning.Storage;

namespace MpcSigning.Tests.Storage;

/// <summary>Storage:Provider / Storage:ConnectionString and their MPCSIGN_STORAGE_* variables.</summary>
public class StorageOptionsTests
{
    private static NodeConfig Load(params (string Name, string Value)[] env) =>
        NodeConfig.Load(null, n => env.FirstOrDefault(e => e.Name == n).Value);

    [Test]
    public void Default_IsEmbeddedSqlite() =>
        Assert.That(Load().Storage, Is.EqualTo(StorageOptions.Sqlite));

    [Test]
    public void Postgresql_WithConnectionString_IsChosen()
    {
        var s = Load(("MPCSIGN_STORAGE_PROVIDER", "postgresql"),
            ("MPCSIGN_STORAGE_CONNECTION_STRING", "Host=127.0.0.1;Port=5432;Database=mpcsign;Username=mpcsign;Password=secret")).Storage;
        Assert.That(s.Provider, Is.EqualTo(StorageProvider.PostgreSql));
        Assert.That(s.ConnectionString, Does.Contain("Database=mpcsign"));
    }

    [TestCase("postgresql", "", "is required when the storage provider is postgresql")]
    [TestCase("postgresql", "Host=db;Port=5432", "names no Database")]
    [TestCase("postgresql", "Database=x;Password=hunter2", "names no Host")]
    [TestCase("postgresql", "Host=db;Bogus=1;Password=hunter2", "is not a valid PostgreSQL connection string")]
    [TestCase("mysql", "", "'mysql' is not a storage provider")]
    [TestCase("sqlite", "Host=db;Database=x", "the storage provider is sqlite")]
    public void BadSetting_RefusedWithOneLineNamingIt(string provider, string connection, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => Load(("MPCSIGN_STORAGE_PROVIDER", provider), ("MPCSIGN_STORAGE_CONNECTION_STRING", connection)));
        Assert.That(e!.Message, Does.Contain(expected));
        Assert.That(e.Message, Does.StartWith("MPCSIGN_STORAGE_"));
        Assert.That(e.Message, Does.Not.Contain("hunter2"), "a connection string's password is never echoed");
        Assert.That(e.Message, Does.Not.Contain("\n"));
    }

    [Test]
    public async Task UnreachableServer_NodeStartRefusedWithWhereAndHow()
    {
        var port = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        port.Start();
        var free = ((System.Net.IPEndPoint)port.LocalEndpoint).Port;
        port.Stop();
        using var dir = new MpcSigning.Tests.TLog.TempDataDir();
        var options = new StorageOptions(StorageProvider.PostgreSql, $"Host=127.0.0.1;Port={free};Database=mpcsign;Username=u;Timeout=2");
        var e = Assert.Throws<MpcSigning.Storage.Postgres.StorageUnavailableException>(() => NodeStores.Open(options, dir.Open(), true, true));
        Assert.That(e!.Message, Does.Contain($"127.0.0.1:{free}").And.Contain("Storage:ConnectionString"));
        await Task.CompletedTask;
    }
}
