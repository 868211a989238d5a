using System.Collections.Concurrent;
using JasperFx;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VssId.BuildingBlocks.IntegrationEvents;
using VssId.Tests.Infrastructure;

namespace VssId.Tests.IntegrationEvents;

// A source module's domain event and its public contract, and a receiving module's effect.
public sealed record ParcelRegistered(Guid ParcelId, int Number);

public sealed record ParcelRegisteredV1(Guid ParcelId, int Number);

public sealed class ParcelEffect
{
    public Guid Id { get; set; }
    public int Number { get; set; }
}

/// <summary>What the handler saw, per test run (several hosts of one test share it).</summary>
public sealed class DeliveryLog
{
    public ConcurrentQueue<(Guid EventId, int Number)> Attempts { get; } = new();

    /// <summary>When set, the handler records its effect and then blocks here: a crash after the effect, before the checkpoint.</summary>
    public TaskCompletionSource? BlockAfterEffectOf { get; set; }

    public int BlockNumber { get; set; } = -1;

    public TaskCompletionSource Blocked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

internal sealed class ParcelRelay(IServiceScopeFactory scopes, ILogger<ParcelRelay> logger)
    : IntegrationEventRelay("test-parcels", scopes, logger, typeof(ParcelRegistered))
{
    protected override object? ToIntegrationEvent(IEvent domainEvent) => domainEvent.Data switch
    {
        ParcelRegistered e => new ParcelRegisteredV1(e.ParcelId, e.Number),
        _ => null,
    };
}

/// <summary>Idempotent the usual way: the effect's id is the source event's id, inserted once.</summary>
internal sealed class OnParcelRegistered(IDocumentSession session, DeliveryLog log) : IIntegrationEventHandler<ParcelRegisteredV1>
{
    public async Task Handle(ParcelRegisteredV1 integrationEvent, IntegrationEventContext context, CancellationToken cancellationToken)
    {
        log.Attempts.Enqueue((context.EventId, integrationEvent.Number));
        session.Insert(new ParcelEffect { Id = context.EventId, Number = integrationEvent.Number });
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (DocumentAlreadyExistsException)
        {
            // Redelivered: the effect already happened.
        }
        if (log.BlockAfterEffectOf is { } block && integrationEvent.Number == log.BlockNumber)
        {
            log.Blocked.TrySetResult();
            await block.Task.WaitAsync(cancellationToken);
        }
    }
}

public sealed class IntegrationEventDeliveryTests
{
    private static VssIdAppOptions Options(string roles, DeliveryLog log) => new()
    {
        Roles = roles,
        Services = services =>
        {
            services.AddSingleton(log);
            services.ConfigureMarten(o => o.Events.AddEventType<ParcelRegistered>());
            services.AddIntegrationEventRelay<ParcelRelay>();
            services.AddScoped<IIntegrationEventHandler<ParcelRegisteredV1>, OnParcelRegistered>();
        },
    };

    private static async Task Commit(VssIdApp app, params int[] numbers)
    {
        await using var session = app.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        foreach (var number in numbers)
        {
            var id = Guid.NewGuid();
            session.Events.StartStream(id, new ParcelRegistered(id, number));
        }
        await session.SaveChangesAsync();
    }

    private static async Task<int[]> Effects(string connectionString)
    {
        await using var app = new VssIdApp(connectionString, new VssIdAppOptions
        {
            Roles = "api",
            Services = s => s.ConfigureMarten(o => o.Schema.For<ParcelEffect>()),
        });
        await using var session = app.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Query<ParcelEffect>().ToListAsync()).Select(e => e.Number).Order().ToArray();
    }

    [Fact]
    public async Task Committed_events_reach_the_other_module_in_commit_order()
    {
        var log = new DeliveryLog();
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync(), Options("api,worker", log));
        _ = app.Server;
        await Commit(app, 1, 2, 3);
        await Commit(app, 4);
        await Eventually.True(() => Task.FromResult(log.Attempts.Count >= 4), because: "four events are delivered");
        Assert.Equal(new[] { 1, 2, 3, 4 }, log.Attempts.Select(a => a.Number).ToArray());
    }

    [Fact]
    public async Task A_host_stopped_after_commit_and_before_delivery_loses_nothing()
    {
        var database = await TestPostgres.CreateDatabaseAsync();
        var log = new DeliveryLog();

        // The API role commits and never delivers: the process stops with the events undelivered.
        await using (var api = new VssIdApp(database, Options("api", log)))
        {
            _ = api.Server;
            await Commit(api, 1, 2, 3);
        }
        Assert.Empty(log.Attempts);

        // The next start delivers them from the checkpoint.
        await using (var worker = new VssIdApp(database, Options("worker", log)))
        {
            _ = worker.Server;
            await Eventually.True(() => Task.FromResult(log.Attempts.Count >= 3), because: "the restarted worker delivers the backlog");
        }
        Assert.Equal(new[] { 1, 2, 3 }, log.Attempts.Select(a => a.Number).ToArray());
        Assert.Equal(new[] { 1, 2, 3 }, await Effects(database));
    }

    [Fact]
    public async Task A_host_stopped_during_delivery_delivers_again_and_the_effect_happens_once()
    {
        var database = await TestPostgres.CreateDatabaseAsync();
        var log = new DeliveryLog { BlockAfterEffectOf = new TaskCompletionSource(), BlockNumber = 2 };

        await using (var first = new VssIdApp(database, Options("api,worker", log)))
        {
            _ = first.Server;
            await Commit(first, 1, 2, 3);
            // Event 2's effect is committed, the checkpoint is not: stop the host right there.
            await log.Blocked.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        var attemptsBeforeRestart = log.Attempts.Count;
        Assert.DoesNotContain(log.Attempts, a => a.Number == 3);

        log.BlockAfterEffectOf = null;
        await using (var second = new VssIdApp(database, Options("worker", log)))
        {
            _ = second.Server;
            await Eventually.True(() => Task.FromResult(log.Attempts.Any(a => a.Number == 3)), because: "the restarted worker finishes the page");
        }
        Assert.True(log.Attempts.Count > attemptsBeforeRestart);
        // At least once: event 2 was delivered twice; its effect exists once, as do the others.
        Assert.True(log.Attempts.Count(a => a.Number == 2) >= 2);
        Assert.Equal(new[] { 1, 2, 3 }, await Effects(database));
    }
}
