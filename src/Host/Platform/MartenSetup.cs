using System.Text.Json.Serialization.Metadata;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using Marten;
using Marten.Services;
using Npgsql;
using VssId.BuildingBlocks.Privacy;

namespace VssId.Host.Platform;

/// <summary>One Marten store for every module: events in schema <c>events</c>, documents in each module's schema.</summary>
public static class MartenSetup
{
    public static IServiceCollection AddVssIdMarten(this IServiceCollection services, IConfiguration configuration, HostRoles roles)
    {
        var marten = services.AddMarten(sp =>
            {
                var options = new StoreOptions();
                options.Logger(new VssId.BuildingBlocks.Marten.ParameterFreeMartenLogger(
                    sp.GetRequiredService<ILogger<VssId.BuildingBlocks.Marten.ParameterFreeMartenLogger>>()));
                options.DatabaseSchemaName = "marten";
                options.Events.DatabaseSchemaName = "events";
                options.Events.StreamIdentity = StreamIdentity.AsGuid;
                // One round trip per append instead of reading stream versions first (measured: bench/run.sh registration).
                options.Events.AppendMode = EventAppendMode.Quick;
                // Personal fields of events and documents are sealed with their person's key (ADR 16).
                var sealing = sp.GetRequiredService<PersonalDataSealing>();
                if (options.Serializer() is not SystemTextJsonSerializer json)
                {
                    throw new InvalidOperationException("Personal-data sealing expects Marten's System.Text.Json serializer.");
                }
                json.Configure(o => o.TypeInfoResolver = (o.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver())
                    .WithAddedModifier(sealing.Modify));
                options.Listeners.Add(new PersonKeyListener(sealing, sp.GetRequiredService<PersonKeys>));
                options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
                // An integration event that cannot be delivered stops its relay until it can: skipping
                // it would lose a message another module depends on.
                options.Projections.Errors.SkipApplyErrors = false;
                VssId.BuildingBlocks.Idempotency.IdempotencyMiddleware.AddSchema(options);
                options.Storage.ExtendedSchemaObjects.Add(VssId.BuildingBlocks.Audit.PersonalDataReads.Table());
                options.Storage.ExtendedSchemaObjects.Add(PersonKeys.Table());
                options.Storage.ExtendedSchemaObjects.Add(PersonKeyWrapping.Table());
                options.Storage.ExtendedSchemaObjects.Add(SealStoredDataJob.Progress());
                foreach (var module in VssIdModules.All)
                {
                    module.ConfigureMarten(options);
                }
                // The daemon looks for new events every second when idle (JasperFx's default), which puts up
                // to a second between a decision and its reactions (the account SMS); a cheap high-water query
                // every 250 ms keeps that under half a second (bench/run.sh approval).
                options.Projections.SlowPollingTime = TimeSpan.FromMilliseconds(configuration.GetValue("Marten:DaemonPollingMs", 250));
                return options;
            })
            .UseNpgsqlDataSource()
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup();
        // Concurrent starts saved in one transaction per group (ADR 17); each group holds one pooled connection.
        services.AddSingleton(sp => new VssId.BuildingBlocks.Marten.GroupCommit(sp.GetRequiredService<IDocumentStore>(),
            configuration.GetValue("Marten:GroupCommitWriters", 4)));
        if (roles.Worker)
        {
            // HotCold: with several worker processes exactly one runs the daemon, elected by an advisory lock.
            marten.AddAsyncDaemon(configuration.GetValue("Marten:DaemonMode", DaemonMode.HotCold));
        }
        return services;
    }
}
