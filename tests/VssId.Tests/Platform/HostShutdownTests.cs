using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VssId.Tests.Infrastructure;

namespace VssId.Tests.Platform;

/// <summary>
/// A test host stops like a production one: each hosted service is never asked to stop twice at once. Hosted services
/// (Marten's projection coordinator, Hangfire's server) are not written for that, and a CI run once failed on it.
/// </summary>
public sealed class HostShutdownTests
{
    [Fact]
    public async Task Disposing_a_test_host_never_stops_a_hosted_service_twice_at_once()
    {
        var probe = new StopProbe();
        var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync(), new VssIdAppOptions
        {
            Roles = "api",
            Services = services => services.AddSingleton<IHostedService>(probe),
        });
        _ = app.Services; // starts the host

        await app.DisposeAsync();

        Assert.True(probe.Stops >= 1, "the probe was stopped");
        Assert.Equal(1, probe.MostAtOnce);
    }

    /// <summary>Counts how many of its stops overlap; each stop lasts long enough for a concurrent one to arrive.</summary>
    private sealed class StopProbe : IHostedService
    {
        private int _running;
        private int _mostAtOnce;
        private int _stops;

        public int MostAtOnce => Volatile.Read(ref _mostAtOnce);
        public int Stops => Volatile.Read(ref _stops);

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _stops);
            var now = Interlocked.Increment(ref _running);
            int seen;
            while (now > (seen = Volatile.Read(ref _mostAtOnce)) && Interlocked.CompareExchange(ref _mostAtOnce, now, seen) != seen)
            {
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500), CancellationToken.None);
            Interlocked.Decrement(ref _running);
        }
    }
}
