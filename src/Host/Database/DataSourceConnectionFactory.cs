using Hangfire.PostgreSql;
using Npgsql;

namespace VssId.Host.Database;

/// <summary>Gives Hangfire connections from the process's one <see cref="NpgsqlDataSource"/>, shared with Marten.</summary>
internal sealed class DataSourceConnectionFactory(NpgsqlDataSource dataSource) : IConnectionFactory
{
    public NpgsqlConnection GetOrCreateConnection() => dataSource.CreateConnection();
}
