using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace VssId.BuildingBlocks.Marten;

/// <summary>
/// What a process keeps in memory on the strength of a PostgreSQL <c>NOTIFY</c> channel (token stamps, shredded keys):
/// forgotten when a notification arrives, and wholesale when notifications may have been missed.
/// </summary>
public interface IPostgresChannel
{
    /// <summary>The channel's name (a plain identifier).</summary>
    string Channel { get; }

    /// <summary>The channel is listened to (again): anything remembered before may have missed a notification.</summary>
    void OnListening();

    /// <summary>A notification's payload; runs on the listening connection's thread, so it must be quick and not throw.</summary>
    void OnNotification(string payload);

    /// <summary>The connection was lost or the process stops: notifications are missed from now on.</summary>
    void OnDeaf()
    {
    }
}

/// <summary>
/// One connection per process LISTENs on every <see cref="IPostgresChannel"/> for the life of the process (not one per
/// channel: the pool is bounded, ADR 9), and reconnects a second after it is lost.
/// </summary>
public sealed class PostgresListener(NpgsqlDataSource database, IEnumerable<IPostgresChannel> channels, ILogger<PostgresListener> logger)
    : BackgroundService
{
    private readonly Dictionary<string, IPostgresChannel> _channels = channels.ToDictionary(c => c.Channel, StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_channels.Count == 0)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await database.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) =>
                {
                    if (_channels.TryGetValue(e.Channel, out var channel))
                    {
                        channel.OnNotification(e.Payload);
                    }
                };
                await using (var listen = new NpgsqlCommand(string.Concat(_channels.Keys.Select(name => $"LISTEN {name};")), connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                foreach (var channel in _channels.Values)
                {
                    channel.OnListening();
                }
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
            {
                logger.LogWarning(e, "Listening for PostgreSQL notifications failed; listening again in a second");
            }
            finally
            {
                foreach (var channel in _channels.Values)
                {
                    channel.OnDeaf();
                }
            }
            if (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
