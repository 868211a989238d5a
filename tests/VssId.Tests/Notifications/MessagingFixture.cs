using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using VssId.Tests.Infrastructure;

namespace VssId.Tests.Notifications;

/// <summary>Reads the module's tables the way an operator would.</summary>
public static class NotificationsDb
{
    public sealed record DeliveryRow(string Status, int Attempts, string? LastError, string BodyRedacted, bool BodyErased, int? Segments, DateTimeOffset? SentAt);

    public static async Task<DeliveryRow?> Delivery(VssIdApp app, Guid id)
    {
        await using var connection = await app.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var select = new NpgsqlCommand(
            "SELECT status, attempts, last_error, body_redacted, body_protected IS NULL, segments, sent_at FROM notifications.messages WHERE id = $1", connection)
        {
            Parameters = { new() { Value = id } },
        };
        await using var reader = await select.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new DeliveryRow(reader.GetString(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3),
                reader.GetBoolean(4), reader.IsDBNull(5) ? null : reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6))
            : null;
    }

    private static readonly Lazy<VssId.BuildingBlocks.Security.ServerKeys> DevelopmentServerKeys = new(() =>
    {
        // The server key every Development host of the suite runs with (src/Host/appsettings.Development.json).
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory.FullName, "VssId.sln")))
        {
            directory = directory.Parent ?? throw new InvalidOperationException("VssId.sln not found above the test binaries.");
        }
        var settings = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(directory.FullName, "src", "Host", "appsettings.Development.json")).Build();
        return new VssId.BuildingBlocks.Security.ServerKeys(settings);
    });

    /// <summary>What <c>notifications.messages.to_key</c> holds for <paramref name="address"/> on a Development host.</summary>
    public static string Recipient(string address) => new VssId.Modules.Notifications.Messaging.Recipients(DevelopmentServerKeys.Value).KeyOf(address);

    /// <summary>What <c>notifications.one_time_codes.target</c> holds for a code of <paramref name="purpose"/> and <paramref name="target"/> on a Development host.</summary>
    public static string CodeTarget(string purpose, string target) =>
        new VssId.Modules.Notifications.OneTimeCodes.CodeTargets(DevelopmentServerKeys.Value).KeyOf(purpose, target);

    public static async Task<long> Count(string connectionString, string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public static async Task WaitForStatus(VssIdApp app, Guid id, string status)
    {
        DeliveryRow? last = null;
        try
        {
            await Eventually.True(async () => (last = await Delivery(app, id))?.Status == status, TimeSpan.FromSeconds(30), $"message {id} becomes {status}");
        }
        catch (Xunit.Sdk.FailException ex)
        {
            await using var connection = await app.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
            await using var jobs = new NpgsqlCommand("SELECT j.id, j.statename, j.createdat, s.reason, s.data::text FROM hangfire.job j LEFT JOIN hangfire.state s ON s.id = j.stateid ORDER BY j.id", connection);
            await using var reader = await jobs.ExecuteReaderAsync();
            var lines = new List<string>();
            while (await reader.ReadAsync())
            {
                lines.Add($"{reader[0]} {reader[1]} {reader[2]} {reader[3]} {reader[4]}");
            }
            throw new Xunit.Sdk.XunitException($"{ex.Message}; last seen: {last}; jobs: {string.Join(" | ", lines)}");
        }
    }
}
