using Microsoft.Extensions.Configuration;
using MpcSigning.Hosting;
using Npgsql;

namespace MpcSigning.Storage;

/// <summary>Where a node keeps its journal, participant registry and transparency log.</summary>
public enum StorageProvider
{
    /// <summary>Embedded SQLite files in the data directory (the default: no server to install).</summary>
    Sqlite,
    /// <summary>A shared PostgreSQL (15 or newer) database, for clustered deployments where another node takes over.</summary>
    PostgreSql,
}

/// <summary>
/// The Storage section: <c>Storage:Provider</c> (sqlite | postgresql; MPCSIGN_STORAGE_PROVIDER) and
/// <c>Storage:ConnectionString</c> (an Npgsql connection string; MPCSIGN_STORAGE_CONNECTION_STRING), required for
/// postgresql and refused for sqlite (whose files are always in the data directory).
/// </summary>
public sealed record StorageOptions(StorageProvider Provider, string? ConnectionString)
{
    public static readonly StorageOptions Sqlite = new(StorageProvider.Sqlite, null);

    public const string ProviderVariable = "MPCSIGN_STORAGE_PROVIDER", ProviderKey = "Storage:Provider";
    public const string ConnectionVariable = "MPCSIGN_STORAGE_CONNECTION_STRING", ConnectionKey = "Storage:ConnectionString";

    public static StorageOptions Load(IConfiguration c, Func<string, string?> env)
    {
        var (providerName, provider) = env(ProviderVariable) is { Length: > 0 } p ? (ProviderVariable, p) : (ProviderKey, c[ProviderKey]);
        var (connectionName, connection) = env(ConnectionVariable) is { Length: > 0 } s ? (ConnectionVariable, s) : (ConnectionKey, c[ConnectionKey]);
        switch (provider?.Trim().ToLowerInvariant())
        {
            case null or "" or "sqlite":
                if (!string.IsNullOrEmpty(connection))
                    throw new ConfigException(connectionName,
                        $"is set but the storage provider is sqlite, whose files are always in the data directory; set {ProviderVariable}=postgresql (or Storage:Provider) to use it, or remove it");
                return Sqlite;
            case "postgresql" or "postgres":
                if (string.IsNullOrWhiteSpace(connection))
                    throw new ConfigException($"{ConnectionVariable} (or {ConnectionKey})",
                        "is required when the storage provider is postgresql, e.g. 'Host=db.internal;Port=5432;Database=mpcsign;Username=mpcsign;Password=...'");
                return new StorageOptions(StorageProvider.PostgreSql, CheckConnectionString(connectionName, connection));
            default:
                throw new ConfigException(providerName, $"'{provider}' is not a storage provider; use sqlite (the default) or postgresql");
        }
    }

    /// <summary>Parses an Npgsql connection string; a bad one is reported without echoing it (it may hold a password).</summary>
    public static string CheckConnectionString(string setting, string connection)
    {
        NpgsqlConnectionStringBuilder b;
        try
        {
            b = new NpgsqlConnectionStringBuilder(connection);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new ConfigException(setting, $"is not a valid PostgreSQL connection string ({e.Message}); write it as 'Host=...;Port=5432;Database=...;Username=...;Password=...'");
        }
        if (string.IsNullOrEmpty(b.Host))
            throw new ConfigException(setting, "names no Host; write it as 'Host=...;Port=5432;Database=...;Username=...;Password=...'");
        if (string.IsNullOrEmpty(b.Database))
            throw new ConfigException(setting, "names no Database; every node of a cluster must name the same one (Database=...)");
        return connection;
    }
}
