using Microsoft.Extensions.Configuration;
using VssId.Host.Database;

namespace VssId.Tests.Platform;

public sealed class ConnectionPoolTests
{
    private static IConfiguration Settings(string? maxPoolSize = null) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Database:MaxPoolSize"] = maxPoolSize }).Build();

    [Fact]
    public void Without_a_size_anywhere_the_pool_holds_eight_connections_per_core() =>
        Assert.Equal(8 * Environment.ProcessorCount, ConnectionPool.MaxSize("Host=/tmp;Port=5432", Settings()));

    [Fact]
    public void The_setting_sets_the_size() =>
        Assert.Equal(40, ConnectionPool.MaxSize("Host=/tmp;Port=5432", Settings("40")));

    [Theory]
    [InlineData("Host=db;Maximum Pool Size=7")]
    [InlineData("Host=db;MaxPoolSize=7")]
    public void A_size_in_the_connection_string_wins(string connectionString) =>
        Assert.Equal(7, ConnectionPool.MaxSize(connectionString, Settings("40")));
}
