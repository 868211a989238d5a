using Npgsql;

namespace VssId.Host.Database;

/// <summary>
/// How many PostgreSQL connections the process may hold. PostgreSQL does the most work with a few busy
/// connections per core; beyond that, backends only take turns on the cores (measured with
/// bench/run.sh registration on 2 cores: 16 connections gave 53–58 % of the bare baseline, the
/// unbounded pool with 32 concurrent requests 46–50 %). Requests beyond the pool wait for a connection
/// instead of a core. A pool size written in the connection string wins; otherwise
/// <c>Database:MaxPoolSize</c>, by default 8 per core.
/// </summary>
public static class ConnectionPool
{
    public static int MaxSize(string connectionString, IConfiguration configuration)
    {
        // The generic builder holds only the keys the string names (Npgsql's knows every keyword).
        var written = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        return written.ContainsKey("Maximum Pool Size") || written.ContainsKey("MaxPoolSize")
            ? new NpgsqlConnectionStringBuilder(connectionString).MaxPoolSize
            : configuration.GetValue("Database:MaxPoolSize", 8 * Environment.ProcessorCount);
    }
}
