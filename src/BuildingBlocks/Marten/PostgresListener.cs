using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace VssId.BuildingBlocks.Marten;

/// <summary>
/// LISTENs on one PostgreSQL channel for the life of the process, on a connection of its own, and reconnects a second
/// after it is lost. What a process remembers in memory on the strength of these notifications must be forgotten when
/// the connection is (a notification sent meanwhile is never delivered): <see cref="Listening"/> is false then,
/// and <see cref="OnListening"/> runs each time the channel is listened to again.
/// </summary>
public abstract class PostgresListener(NpgsqlDataSource database, string channel, ILogger logger) : BackgroundService
{
    private volatile bool _listening;

    /// <summary>Whether a notification committed now reaches this process.</summary>
    protected bool Listening => _listening;

    /// <summary>The channel is listened to (again): anything remembered before may have missed a notification.</summary>
    protected abstract void OnListening();

    /// <summary>A notification's payload; runs on the listening connection's thread, so it must be quick.</summary>
    protected abstract void OnNotification(string payload);

    /// <summary>The connection was lost or the process stops: notifications are missed from now on.</summary>
    protected virtual void OnDeaf()
    {
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await database.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) => OnNotification(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                OnListening();
                _listening = true;
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
                logger.LogWarning(e, "Listening on {Channel} failed; listening again in a second", channel);
            }
            finally
            {
                _listening = false;
                OnDeaf();
            }
            if (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
