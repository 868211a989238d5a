using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using VssId.Host.Database;

namespace VssId.Tests.Platform;

/// <summary>The Host's embedded default: a private, durable cluster that persists between runs.</summary>
public sealed class EmbeddedDatabaseTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"vssid-embedded-{Guid.NewGuid():N}");

    private sealed class Environment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Development";
        public string ApplicationName { get; set; } = "VssId.Host";
        public string ContentRootPath { get; set; } = root;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }

    private DatabaseConnection Start(string? binDirectory = null, string? connectionString = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = connectionString })
            .Build();
        return new DatabaseConnection(configuration, new Environment(_root),
            Microsoft.Extensions.Options.Options.Create(new EmbeddedDatabaseOptions
            {
                DataDirectory = Path.Combine(_root, ".data", "postgres"),
                BinDirectory = binDirectory,
            }),
            NullLogger<DatabaseConnection>.Instance);
    }

    private static async Task<string?> Scalar(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    [Fact]
    public async Task Without_a_connection_string_a_durable_private_cluster_starts_persists_and_stops()
    {
        Directory.CreateDirectory(_root);
        File.SetUnixFileMode(_root, (UnixFileMode)0b111_101_101);
        string firstConnection;
        using (var first = Start())
        {
            firstConnection = first.ConnectionString;
            // Through the Unix socket in the cluster's own folder (reachable by its owner and root only).
            var host = new NpgsqlConnectionStringBuilder(first.ConnectionString).Host;
            Assert.Equal(Path.Combine(_root, ".data", "postgres"), host);
            Assert.Equal("/", await Scalar(first.ConnectionString, "SELECT left(coalesce(current_setting('unix_socket_directories'), ''), 1)"));
            Assert.Equal("", await Scalar(first.ConnectionString, "SELECT inet_client_addr()")); // NULL: not over TCP
            // A 2xx answer must mean the data is on disk: the service's own cluster keeps durability on.
            Assert.Equal("on", await Scalar(first.ConnectionString, "SHOW fsync"));
            Assert.Equal("on", await Scalar(first.ConnectionString, "SHOW synchronous_commit"));
            Assert.Equal("on", await Scalar(first.ConnectionString, "SHOW full_page_writes"));
            Assert.Equal("vssid", await Scalar(first.ConnectionString, "SELECT current_database()"));
            await Scalar(first.ConnectionString, "CREATE TABLE kept (name text); INSERT INTO kept VALUES ('Nguyễn Văn An')");

            // A second Host finds it running and reuses it; only the one that started it stops it.
            using (var second = Start())
            {
                Assert.Equal("Nguyễn Văn An", await Scalar(second.ConnectionString, "SELECT name FROM kept"));
            }
            Assert.Equal("1", await Scalar(first.ConnectionString, "SELECT count(*) FROM kept"));
        }
        NpgsqlConnection.ClearAllPools();
        Assert.False(File.Exists(Path.Combine(_root, ".data", "postgres", "postmaster.pid")), "the cluster stops with the Host");
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => Scalar(firstConnection, "SELECT 1"));

        using var restarted = Start();
        Assert.Equal("Nguyễn Văn An", await Scalar(restarted.ConnectionString, "SELECT name FROM kept"));
    }

    [Fact]
    public void With_a_connection_string_nothing_is_started()
    {
        using var connection = Start(connectionString: "Host=db.example;Database=vssid;Username=u;Password=p");
        Assert.Equal("Host=db.example;Database=vssid;Username=u;Password=p", connection.ConnectionString);
        Assert.False(Directory.Exists(Path.Combine(_root, ".data")));
    }

    [Fact]
    public void Missing_binaries_give_one_clear_message_saying_what_to_install()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Start(binDirectory: "/nonexistent/bin"));
        Assert.Contains("apt-get install postgresql", error.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__Postgres", error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
