using DotNet.Testcontainers.Configurations;
using Npgsql;
using Testcontainers.PostgreSql;
using VssId.Host.Database;

namespace VssId.Tests.Infrastructure;

/// <summary>
/// The one PostgreSQL server of a test run: a Testcontainers container where a Docker engine answers,
/// otherwise a throwaway cluster from the local binaries (durability off: it is deleted afterwards).
/// Every test class gets its own database, cloned from a template that already holds the Marten and
/// Hangfire schemas, so classes run in parallel and never see each other's data.
/// </summary>
public static class TestPostgres
{
    private const string TemplateName = "vssid_template";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _serverConnectionString;
    private static bool _templateReady;
    private static int _counter;

    /// <summary>A new database for one test class, holding the platform's schema.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        await Gate.WaitAsync();
        try
        {
            _serverConnectionString ??= await StartServerAsync();
            if (!_templateReady)
            {
                await CreateTemplateAsync();
                _templateReady = true;
            }
            var name = $"vssid_test_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}";
            await ExecuteAsync($"CREATE DATABASE \"{name}\" TEMPLATE \"{TemplateName}\"");
            return WithDatabase(name);
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Connection string of the server's maintenance database.</summary>
    public static string ServerConnectionString => _serverConnectionString ?? throw new InvalidOperationException("Not started.");

    private static async Task CreateTemplateAsync()
    {
        await ExecuteAsync($"DROP DATABASE IF EXISTS \"{TemplateName}\" WITH (FORCE)");
        await ExecuteAsync($"CREATE DATABASE \"{TemplateName}\"");
        // Starting the Host once applies Marten's and Hangfire's DDL to the template.
        await using (var app = new VssIdApp(WithDatabase(TemplateName), new VssIdAppOptions { Roles = "api" }))
        {
            using var client = app.CreateClient();
            (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).EnsureSuccessStatusCode();
        }
        NpgsqlConnection.ClearAllPools();
        // A template must have no open connections when it is copied.
        await ExecuteAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{TemplateName}' AND pid <> pg_backend_pid()");
    }

    // Every test class has its own database, and the tests' own queries pool per connection string: idle connections are
    // let go after 10 s instead of Npgsql's 300, or the pools of finished classes fill max_connections (seen: 53300 in CI).
    private static string WithDatabase(string database) =>
        new NpgsqlConnectionStringBuilder(_serverConnectionString)
        {
            Database = database, Pooling = true, MaxPoolSize = 20, ConnectionIdleLifetime = 10, ConnectionPruningInterval = 2,
        }.ConnectionString;

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_serverConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> StartServerAsync()
    {
        if (TestcontainersSettings.OS.DockerEndpointAuthConfig is not null)
        {
            var container = new PostgreSqlBuilder("postgres:15-alpine")
                .WithCommand("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=300")
                .Build();
            await container.StartAsync();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => container.DisposeAsync().AsTask().GetAwaiter().GetResult();
            return new NpgsqlConnectionStringBuilder(container.GetConnectionString()) { Database = "postgres" }.ConnectionString;
        }
        var binaries = LocalPostgresCluster.FindBinDirectory()
            ?? throw new InvalidOperationException("No Docker engine and no PostgreSQL server binaries: run ./test.sh, which installs them.");
        RemoveStaleClusters();
        // Under /tmp, which the postgres user can reach even when the repository sits in a private home.
        var directory = Path.Combine(Path.GetTempPath(), $"vssid-tests-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        }
        var cluster = new LocalPostgresCluster(Path.Combine(directory, "cluster"), binaries, durable: false, maxConnections: 300);
        var connectionString = await cluster.EnsureStartedAsync("postgres");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            cluster.Stop(immediate: true);
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A leftover is removed by the next run (RemoveStaleClusters).
            }
        };
        return connectionString;
    }

    // Clusters of earlier runs whose test process is gone (killed before its exit handler ran).
    private static void RemoveStaleClusters()
    {
        foreach (var stale in Directory.GetDirectories(Path.GetTempPath(), "vssid-tests-*"))
        {
            var parts = Path.GetFileName(stale).Split('-');
            if (parts.Length < 3 || !int.TryParse(parts[2], out var pid) || Directory.Exists($"/proc/{pid}"))
            {
                continue;
            }
            try
            {
                var postmaster = Path.Combine(stale, "cluster", "postmaster.pid");
                if (File.Exists(postmaster) && int.TryParse(File.ReadLines(postmaster).First(), out var serverPid))
                {
                    using var orphan = System.Diagnostics.Process.GetProcessById(serverPid);
                    orphan.Kill();
                    orphan.WaitForExit(5000);
                }
                Directory.Delete(stale, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                // Still in use or not ours; leave it.
            }
        }
    }
}
