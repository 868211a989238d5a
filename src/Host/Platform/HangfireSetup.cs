using VssId.BuildingBlocks.Jobs;
using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Dashboard;
using Hangfire.Logging;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using VssId.Host.Database;

namespace VssId.Host.Platform;

/// <summary>Hangfire on the process's PostgreSQL (schema <c>hangfire</c>), its server in the worker role.</summary>
public static class HangfireSetup
{
    public static IServiceCollection AddVssIdHangfire(this IServiceCollection services, IConfiguration configuration, HostRoles roles)
    {
        // The storage is a DI singleton over the process's data source rather than Hangfire's static
        // JobStorage.Current, so several hosts in one process (the tests) never share a storage.
        services.AddSingleton<JobStorage>(sp => new PostgreSqlStorage(
            new DataSourceConnectionFactory(sp.GetRequiredService<NpgsqlDataSource>()),
            new PostgreSqlStorageOptions
            {
                SchemaName = "hangfire",
                PrepareSchemaIfNecessary = true,
                // A job should start within a second of being enqueued; LISTEN/NOTIFY wakes the
                // workers, and the poll interval bounds the wait if a notification is missed.
                EnableLongPolling = true,
                QueuePollInterval = TimeSpan.FromMilliseconds(configuration.GetValue("Hangfire:QueuePollIntervalMs", 500)),
                EnableTransactionScopeEnlistment = true,
                // A job whose worker died (kill -9) becomes visible to other workers after this; the
                // heartbeat of a live worker keeps extending it while the job runs, so it can be short:
                // an OTP held up by a crash must still arrive well within its 5 minutes.
                UseSlidingInvisibilityTimeout = true,
                InvisibilityTimeout = TimeSpan.FromSeconds(configuration.GetValue("Hangfire:InvisibilityTimeoutSeconds", 30)),
            }));
        // Hangfire.AspNetCore also points the process-wide JobActivator at the latest host's container;
        // a DI-registered activator (taken first) keeps each host's jobs in its own container.
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((sp, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HostLogProvider(new AspNetCoreLogProvider(sp.GetRequiredService<ILoggerFactory>()))));
        if (roles.Worker)
        {
            services.AddHangfireServer(o =>
            {
                o.WorkerCount = configuration.GetValue("Hangfire:WorkerCount", Math.Max(2, Environment.ProcessorCount * 2));
                o.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
                // Retries of failed sends are scheduled jobs: look for due ones every second.
                o.SchedulePollingInterval = TimeSpan.FromMilliseconds(configuration.GetValue("Hangfire:SchedulePollingIntervalMs", 1000));
            });
        }
        services.AddHealthChecks().AddCheck<HangfireHealthCheck>("hangfire", tags: ["ready"]);
        services.AddRecurringJob<VssId.BuildingBlocks.Idempotency.IdempotencyCleanupJob>("platform.idempotency-cleanup",
            job => job.Run(CancellationToken.None), Cron.Hourly());
        return services;
    }

    /// <summary>
    /// The dashboard: open in Development; elsewhere only for a bearer token of role <c>admin</c> (the
    /// endpoint's authorization policy runs before Hangfire sees the request).
    /// </summary>
    public static void MapVssIdHangfireDashboard(this WebApplication app)
    {
        var dashboard = app.MapHangfireDashboard("/hangfire", new DashboardOptions { Authorization = [new OpenToThePolicy()], DashboardTitle = "VssId jobs" });
        if (!app.Environment.IsDevelopment())
        {
            dashboard.RequireAuthorization(VssId.BuildingBlocks.Security.AccessPolicies.Admin);
        }
    }

    /// <summary>
    /// Hangfire's log provider is process-wide. When a host of the process stops (tests run several),
    /// its logger factory is disposed while another host's Hangfire still logs: drop those lines rather
    /// than fail the job that logs them.
    /// </summary>
    private sealed class HostLogProvider(ILogProvider inner) : ILogProvider
    {
        public ILog GetLogger(string name) => new SafeLog(inner, name);

        private sealed class SafeLog(ILogProvider provider, string name) : ILog
        {
            public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
            {
                try
                {
                    return provider.GetLogger(name).Log(logLevel, messageFunc!, exception!);
                }
                catch (ObjectDisposedException)
                {
                    return false;
                }
            }
        }
    }

    /// <summary>Hangfire's own filter lets everything through: the endpoint's policy has already decided.</summary>
    private sealed class OpenToThePolicy : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) => true;
    }

    /// <summary>Ready when Hangfire's storage answers a query.</summary>
    private sealed class HangfireHealthCheck(JobStorage storage) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var servers = storage.GetMonitoringApi().Servers().Count;
                return Task.FromResult(HealthCheckResult.Healthy($"{servers} Hangfire server(s)"));
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy("Hangfire storage unavailable", ex));
            }
        }
    }
}
