using Microsoft.Extensions.Options;

namespace VssId.Host.Database;

/// <summary>Settings of the embedded default database.</summary>
public sealed class EmbeddedDatabaseOptions
{
    /// <summary>Where the private cluster lives; default <c>.data/postgres</c> beside VssId.sln.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>The folder of initdb/pg_ctl; found automatically when not set.</summary>
    public string? BinDirectory { get; set; }

    /// <summary>The database the Host uses inside it.</summary>
    public string Database { get; set; } = "vssid";
}

/// <summary>
/// The one connection string of the process: <c>ConnectionStrings:Postgres</c> when configured (nothing is
/// started), otherwise the embedded default — a private cluster under the repository's ignored
/// <c>.data/</c> folder, started (or found running) on first use and stopped with the Host.
/// </summary>
public sealed class DatabaseConnection : IDisposable
{
    private readonly LocalPostgresCluster? _cluster;

    public DatabaseConnection(IConfiguration configuration, IHostEnvironment environment,
        IOptions<EmbeddedDatabaseOptions> options, ILogger<DatabaseConnection> logger)
    {
        var configured = configuration.GetConnectionString("Postgres");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            ConnectionString = configured;
            return;
        }
        var configuredBinaries = options.Value.BinDirectory;
        var binaries = (configuredBinaries is null ? LocalPostgresCluster.FindBinDirectory()
            : File.Exists(Path.Combine(configuredBinaries, "initdb")) ? configuredBinaries : null) ?? throw new InvalidOperationException(
            "No ConnectionStrings:Postgres is configured and no PostgreSQL server binaries were found for the embedded " +
            "default database. Install them (Debian/Ubuntu: `sudo apt-get install postgresql`; ./run.sh does this) " +
            "or set ConnectionStrings__Postgres to a server of your own.");
        var dataDirectory = options.Value.DataDirectory ?? VssId.BuildingBlocks.Files.RepositoryPaths.DataDirectory(environment.ContentRootPath, "postgres");
        _cluster = new LocalPostgresCluster(dataDirectory, binaries, durable: true);
        ConnectionString = _cluster.EnsureStartedAsync(options.Value.Database).GetAwaiter().GetResult();
        logger.LogInformation("Embedded PostgreSQL cluster at {DataDirectory} ({State})", dataDirectory,
            _cluster.StartedHere ? "started" : "already running");
    }

    /// <summary>The connection string every component of the process uses, through one data source.</summary>
    public string ConnectionString { get; }

    public void Dispose()
    {
        if (_cluster is { StartedHere: true })
        {
            _cluster.Stop();
        }
    }
}
