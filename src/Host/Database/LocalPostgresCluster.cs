using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace VssId.Host.Database;

/// <summary>
/// A private PostgreSQL cluster started from the machine's own PostgreSQL binaries: the Host's embedded
/// default and the tests' throwaway server. Clients connect through a Unix socket in the data directory
/// (only the server's user and root can reach it; a loopback TCP round trip costs both sides far more
/// kernel time — bench/run.sh registration), TCP on 127.0.0.1 stays open for tools; password
/// authentication with a generated password. initdb and postgres refuse to run as root, so as root
/// every server command runs as the <c>postgres</c> user on a folder it owns.
/// </summary>
public sealed class LocalPostgresCluster
{
    private const string SuperUser = "vssid";
    private readonly string _dataDirectory;
    private readonly string _binDirectory;
    private readonly bool _durable;
    private readonly int? _maxConnections;
    private readonly string? _serverOptions;

    /// <param name="dataDirectory">Where the cluster lives; created on first start.</param>
    /// <param name="binDirectory">The folder holding initdb and pg_ctl.</param>
    /// <param name="durable">
    /// True keeps PostgreSQL's durability settings (fsync, synchronous_commit, full_page_writes), so an
    /// answered write is on disk; only throwaway test clusters pass false.
    /// </param>
    /// <param name="maxConnections">PostgreSQL's max_connections, when the default 100 is not enough.</param>
    /// <param name="serverOptions">More <c>-c name=value</c> settings (the benchmark loads pg_stat_statements).</param>
    public LocalPostgresCluster(string dataDirectory, string binDirectory, bool durable, int? maxConnections = null, string? serverOptions = null)
    {
        _maxConnections = maxConnections;
        _serverOptions = serverOptions;
        _dataDirectory = Path.GetFullPath(dataDirectory);
        _binDirectory = binDirectory;
        _durable = durable;
    }

    /// <summary>True when this process started the server (rather than finding it running).</summary>
    public bool StartedHere { get; private set; }

    private string PasswordFile => _dataDirectory + ".password";

    /// <summary>
    /// The folder with initdb/pg_ctl: <c>POSTGRES_BIN</c>, else the newest /usr/lib/postgresql/*/bin, else
    /// the folder of an initdb on PATH; null when PostgreSQL's server binaries are not installed.
    /// </summary>
    public static string? FindBinDirectory()
    {
        var configured = Environment.GetEnvironmentVariable("POSTGRES_BIN");
        if (!string.IsNullOrEmpty(configured) && File.Exists(Path.Combine(configured, "initdb")))
        {
            return configured;
        }
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            var newest = Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(d => File.Exists(Path.Combine(d.Dir, "initdb")))
                .OrderByDescending(d => d.Version)
                .FirstOrDefault();
            if (newest.Dir is not null)
            {
                return newest.Dir;
            }
        }
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
        return onPath;
    }

    /// <summary>Creates the cluster if needed, starts it unless it already runs, and returns a connection string to <paramref name="database"/> (created if missing).</summary>
    public async Task<string> EnsureStartedAsync(string database, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Path.Combine(_dataDirectory, "PG_VERSION")))
        {
            await InitializeAsync(cancellationToken);
        }
        var password = (await File.ReadAllTextAsync(PasswordFile, cancellationToken)).Trim();
        var port = RunningPort();
        if (port is null)
        {
            port = FreePort();
            await StartAsync(port.Value, cancellationToken);
            StartedHere = true;
        }
        var builder = new NpgsqlConnectionStringBuilder
        {
            // A cluster started before sockets were enabled has none: fall back to TCP.
            Host = File.Exists(SocketFile(port.Value)) ? _dataDirectory : "127.0.0.1",
            Port = port.Value,
            Username = SuperUser,
            Password = password,
            Database = "postgres",
        };
        await CreateDatabaseIfMissingAsync(builder.ConnectionString, database, cancellationToken);
        builder.Database = database;
        return builder.ConnectionString;
    }

    /// <summary>Stops the server: "fast" lets it checkpoint, "immediate" is for throwaway clusters.</summary>
    public void Stop(bool immediate = false) =>
        Run("pg_ctl", ["-D", _dataDirectory, "-m", immediate ? "immediate" : "fast", "-w", "stop"], throwOnError: false);

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_dataDirectory);
        if (Directory.EnumerateFileSystemEntries(_dataDirectory).Any())
        {
            throw new InvalidOperationException($"{_dataDirectory} is not empty but holds no PostgreSQL cluster; move it away.");
        }
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        await File.WriteAllTextAsync(PasswordFile, password, cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        // initdb reads the password from a file the server user can read; it lives only until initdb ends.
        var initPasswordFile = Path.Combine(_dataDirectory, "..", $".initdb-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(initPasswordFile, password, cancellationToken);
        try
        {
            if (IsRoot)
            {
                EnsureServerUserCanReach(_dataDirectory);
                Run("chown", ["postgres:postgres", _dataDirectory, initPasswordFile], asServerUser: false);
            }
            List<string> args = ["-D", _dataDirectory, "-U", SuperUser, "--pwfile", initPasswordFile,
                "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"];
            if (!_durable)
            {
                args.Add("--no-sync");
            }
            Run("initdb", args);
        }
        finally
        {
            File.Delete(initPasswordFile);
        }
    }

    private async Task StartAsync(int port, CancellationToken cancellationToken)
    {
        // A socket path longer than the kernel's 107 bytes cannot be bound: TCP only then.
        var socketDirectory = SocketFile(port).Length <= 107 ? _dataDirectory : "";
        var options = $"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='{socketDirectory}' -c unix_socket_permissions=0700";
        if (_maxConnections is { } max)
        {
            options += $" -c max_connections={max}";
        }
        if (_serverOptions is not null)
        {
            options += " " + _serverOptions;
        }
        if (!_durable)
        {
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        }
        Run("pg_ctl", ["-D", _dataDirectory, "-l", Path.Combine(_dataDirectory, "server.log"), "-o", options, "-w", "-t", "60", "start"]);
        await Task.CompletedTask.WaitAsync(cancellationToken);
    }

    private string SocketFile(int port) => Path.Combine(_dataDirectory, $".s.PGSQL.{port}");

    // postmaster.pid's fourth line is the port; `pg_ctl status` says whether that postmaster is alive.
    private int? RunningPort()
    {
        var pidFile = Path.Combine(_dataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile) || Run("pg_ctl", ["-D", _dataDirectory, "status"], throwOnError: false) != 0)
        {
            return null;
        }
        var lines = File.ReadAllLines(pidFile);
        return lines.Length > 3 && int.TryParse(lines[3], out var port) ? port : null;
    }

    private static async Task CreateDatabaseIfMissingAsync(string maintenanceConnectionString, string database, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(maintenanceConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection)
        {
            Parameters = { new() { Value = database } },
        };
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "", StringComparison.Ordinal)}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void EnsureServerUserCanReach(string directory)
    {
        var parent = Path.GetDirectoryName(directory)!;
        if (Run("runuser", ["-u", "postgres", "--", "test", "-x", parent], asServerUser: false, throwOnError: false) != 0)
        {
            throw new InvalidOperationException(
                $"The postgres user cannot reach {parent} (a folder above it is private, e.g. a 0700 home). " +
                "Run from a folder it can traverse, or set ConnectionStrings:Postgres to a server of your own.");
        }
    }

    private int Run(string tool, IReadOnlyList<string> args, bool asServerUser = true, bool throwOnError = true)
    {
        var path = File.Exists(Path.Combine(_binDirectory, tool)) ? Path.Combine(_binDirectory, tool) : tool;
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asServerUser && IsRoot)
        {
            start.FileName = "runuser";
            foreach (var a in (string[])["-u", "postgres", "--", path])
            {
                start.ArgumentList.Add(a);
            }
        }
        else
        {
            start.FileName = path;
        }
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {tool}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (throwOnError && process.ExitCode != 0)
        {
            var logTail = "";
            var log = Path.Combine(_dataDirectory, "server.log");
            if (tool == "pg_ctl" && File.Exists(log))
            {
                logTail = "\n" + string.Join('\n', File.ReadLines(log).TakeLast(15));
            }
            throw new InvalidOperationException($"{tool} failed ({process.ExitCode}): {stderr.Result}{stdout.Result}{logTail}");
        }
        return process.ExitCode;
    }

    // Environment.UserName is the effective user's name on Linux.
    private static bool IsRoot => OperatingSystem.IsLinux() && Environment.UserName == "root";
}
